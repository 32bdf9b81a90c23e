"""The exchange's section on the clue detail page: handed down to which lower instance (package number and
time), or received from above (the upper number and deadline beside ours), what came down, open conflicts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from taizhang.clues.choices import Channel
from taizhang.exchange.models import Conflict, FromAbove, HandDown, Received
from taizhang.exchange.supervise import DOWN_LABELS
from taizhang.org.choices import InstanceLink

FROM_ABOVE_CHANNELS = (Channel.SUPERIOR, Channel.PLATFORM_12337)


def sections(request: Any, clue: Any) -> list[dict[str, Any]]:
    handed = list(HandDown.objects.filter(clue=clue).select_related("partner__unit").order_by("-id")[:5])
    pending = (
        clue.responsible_unit_id
        and clue.responsible_unit.instance_link == InstanceLink.CHILD
        and not any(h.assignment.is_current for h in handed)
    )
    # Only a clue that came from above can have been received (one query saved on every other clue's page).
    received = (
        Received.objects.filter(clue=clue).select_related("partner__unit").first()
        if clue.channel in FROM_ABOVE_CHANNELS
        else None
    )
    if not handed and not pending and received is None:
        return []
    items = [
        {"label": DOWN_LABELS.get(i.step, i.step), "item": i}
        for i in FromAbove.objects.filter(clue=clue).order_by("-at")[:20]
    ]
    return [
        {
            "template": "exchange/_clue_section.html",
            "title": _("上下级联动"),
            "handed": handed,
            "pending_unit": clue.responsible_unit if pending else None,
            "received": received,
            "from_above": items,
            "conflicts": list(Conflict.objects.filter(clue=clue, resolved_at=None)),
        }
    ]
