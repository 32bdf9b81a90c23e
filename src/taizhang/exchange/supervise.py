"""Supervision going down: the upper office's 催办, 挂牌督办 (and 摘牌) and returned findings (退查) on a clue it
handed to a lower instance travel in the next package to that instance, as parts/notices.jsonl:
{ref (the upper number), step, at, text, due_at}. The lower instance shows each on its clue's timeline (marked
as from above), puts it in its office staff's inbox and on their to-do list until a step on the clue goes up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from taizhang.clues.timeline import FROM_ABOVE, describe
from taizhang.core import audit
from taizhang.core.actors import SystemActor
from taizhang.exchange.models import FromAbove, HandDown, Partner, Received
from taizhang.exchange.steps import steps_since
from taizhang.ferry import package
from taizhang.ferry.models import Cursor
from taizhang.org.choices import RoleCode
from taizhang.org.models import User
from taizhang.supervision.models import ListedSupervision, UrgingNotice
from taizhang.supervision.notify import notify

NOTICES = "parts/notices.jsonl"
# The upper clue's audit actions that go down, and what the lower office reads for each.
DOWN_LABELS = {
    "urging.issued_on": _l("催办"),
    "listing.listed_on": _l("挂牌督办"),
    "listing.lift": _l("摘牌"),
    "clue.review_return": _l("退查"),
    "clue.review_accept": _l("审核通过"),
}
# Relayed: what our upper instance sent about a clue we handed on goes further down as its step.
DOWN_STEPS = (*DOWN_LABELS, FROM_ABOVE)


def cursor(partner: Partner) -> Cursor:
    return Cursor.objects.select_for_update().get_or_create(name=f"exchange-down:{partner.instance_id}"[:60])[
        0
    ]


def _extra(action: str, after: dict[str, Any]) -> tuple[str, dt.datetime | None]:
    """The words and deadline the lower office needs beyond the step's name."""
    if action == "urging.issued_on":
        notice = UrgingNotice.objects.filter(number=str(after.get("notice") or "")).first()
        if notice is not None:
            return notice.body, notice.reply_by
    if action == "listing.listed_on":
        listing = ListedSupervision.objects.filter(pk=int(after.get("listing") or 0)).first()
        if listing is not None:
            text = "；".join(x for x in (listing.authority, listing.reason, listing.requirements) if x)
            return text, listing.deadline_at
    return describe(after), None


def notices(child: Partner, after_id: int) -> Iterator[tuple[dict[str, Any], int]]:
    """(record, audit id) for every supervision step since `after_id` on a clue handed to `child`."""
    if not HandDown.objects.filter(partner=child).exists():
        return

    def handed(ids: list[int]) -> dict[int, str]:
        return dict(
            HandDown.objects.filter(partner=child, clue_id__in=ids).values_list("clue_id", "clue__number")
        )

    for step in steps_since(handed, after_id, DOWN_STEPS):
        eid, ref, action, at, after, reason = step.id, step.ref, step.action, step.at, step.after, step.reason
        relayed = action == FROM_ABOVE
        text, due = (str(after.get("body") or ""), None) if relayed else _extra(action, after)
        if relayed and after.get("due_at"):
            due = dt.datetime.fromisoformat(str(after["due_at"]))
        record = {
            "ref": ref,
            "step": str(after.get("step")) if relayed else action,
            "at": at.isoformat(),
            "text": "；".join(x for x in (text, reason) if x),
            "due_at": due.isoformat() if due else "",
        }
        yield record, eid


def apply(pkg: package.Package, parent: Partner) -> int:
    """Each notice on the lower clue's timeline, in the office's inbox and to-do list (caller's transaction)."""
    done = 0
    above = SystemActor.acting_for(_("上级：%(unit)s") % {"unit": parent.unit.name})
    for row in pkg.lines(NOTICES):
        received = Received.objects.filter(partner=parent, upper_number=str(row["ref"])).select_related(
            "clue"
        )
        found = received.first()
        if found is None:
            raise package.PackageRefused(
                _("数据包中的督办事项对应的线索 %(ref)s 未交办给本实例。") % {"ref": row["ref"]},
                digest=pkg.digest,
                sequence=pkg.sequence,
            )
        clue = found.clue
        item = FromAbove.objects.create(
            partner=parent,
            clue=clue,
            step=str(row["step"]),
            text=str(row.get("text") or ""),
            due_at=row.get("due_at") or None,
            at=row["at"],
            sequence=pkg.sequence,
        )
        audit.record(
            FROM_ABOVE,
            actor=above,
            object_type="clues.clue",
            object_id=clue.pk,
            after={
                "step": item.step,
                "body": item.text,
                "due_at": str(row.get("due_at") or ""),
                "sequence": pkg.sequence,
            },
        )
        label = DOWN_LABELS.get(item.step, item.step)
        staff = User.objects.filter(
            unit_id=clue.office_id,
            is_active=True,
            roles__code__in=[RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER],
        ).distinct()
        notify(
            staff,
            title=_("上级%(step)s：%(number)s") % {"step": label, "number": clue.number},
            body=item.text,
            url=reverse("clues:detail", args=[clue.pk]),
            key=f"exchange:{parent.pk}:{pkg.sequence}:{item.pk}",
            about=clue,
        )
        done += 1
    return done
