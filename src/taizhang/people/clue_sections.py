"""The clue detail page's "涉及人员" section: each subject's entity and where else the person has seen it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from taizhang.people import reading
from taizhang.people.models import Mention
from taizhang.people.permissions import may_use


def sections(request: Any, clue: Any) -> list[dict[str, Any]]:
    if not may_use(request.user):
        return []
    # The clue is on the page, so the person sees it and its mentions; counts read only visible records.
    mentions = list(Mention.objects.filter(clue=clue).order_by("pk").values("entity_id", "name", "role"))
    if not mentions:
        return []
    counts = reading.record_counts(request.user, {m["entity_id"] for m in mentions})
    rows = [{**m, "elsewhere": max(counts.get(m["entity_id"], 1) - 1, 0)} for m in mentions]
    return [{"template": "people/clue_section.html", "title": _("涉及人员"), "rows": rows}]
