"""The clue detail page's "关联案件" section: the cases built from the clue that the person may see."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from taizhang.cases.models import Case


def sections(request: Any, clue: Any) -> list[dict[str, Any]]:
    cases = list(Case.objects.visible_to(request.user).filter(clues=clue).order_by("id"))
    if not cases:
        return []
    return [{"template": "cases/clue_section.html", "title": _("关联案件"), "cases": cases}]
