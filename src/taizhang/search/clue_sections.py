"""The duplicate-candidates section on the clue detail page (the ledger's `clue_sections` extension point)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from taizhang.search import duplicates


def sections(request: Any, clue: Any) -> list[dict[str, Any]]:
    """Probably-the-same clues the viewer may see, with reasons and (for the office) link/merge buttons."""
    from taizhang.clues import permissions as perm

    found = duplicates.candidates(request.user, duplicates.probe_of(clue), exclude_id=clue.pk)
    return [
        {
            "template": "search/_duplicates_section.html",
            "title": _("疑似重复及关联线索"),
            "candidates": found,
            "clue": clue,
            "can_manage": perm.can_manage(request.user, clue),
        }
    ]
