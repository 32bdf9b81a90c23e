"""Feedback up: the steps the lower instance takes on clues handed down to it go up in the next package; the
upper instance shows them on its clue's timeline, marked as coming from below, read-only.

The lower side reads its own audit log (what its timeline shows) past a cursor: every step of FEEDBACK_STEPS
on a clue that came from above becomes one record of parts/updates.jsonl:
{ref (the upper number), number (ours), step (the audit action), at, status, text (units by name only)}.
On the upper side an update for a clue it has merged, or reopened itself after handing it down, is not applied
to the timeline: it becomes a Conflict a person sees on the exchange page and the clue (never overwriting).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from taizhang.clues.actions.assignment import do_step_from_below
from taizhang.clues.choices import ClueStatus
from taizhang.clues.models import Clue
from taizhang.clues.timeline import FROM_BELOW, describe
from taizhang.core import audit
from taizhang.core.actors import SystemActor
from taizhang.core.models import AuditEntry
from taizhang.exchange.models import Conflict, HandDown, Partner, Received
from taizhang.exchange.steps import steps_since
from taizhang.ferry import package
from taizhang.ferry.models import Cursor

UPDATES = "parts/updates.jsonl"
FEEDBACK_STEPS = (
    "clue.register",
    "clue.assign",
    "clue.reassign",
    "clue.report_first",
    "clue.report_progress",
    "clue.finding_recorded",
    "clue.finding_signed",
    "clue.review_accept",
    "clue.review_return",
    "clue.transfer",
    "clue.transfer_answered",
    "clue.transfer_outcome",
    "clue.conclude",
    "clue.reopen",
    "clue.merge",
    # Relayed: what our own lower instance reported on a clue we handed on goes further up as its step.
    FROM_BELOW,
)


def cursor(partner: Partner) -> Cursor:
    return Cursor.objects.select_for_update().get_or_create(name=f"exchange-up:{partner.instance_id}"[:60])[0]


def updates(parent: Partner, after_id: int) -> Iterator[tuple[dict[str, Any], int]]:
    """(record, audit id) for every step since `after_id` on a clue that came from `parent`."""
    upper = dict(Received.objects.filter(partner=parent).values_list("clue_id", "upper_number"))
    for step in steps_since(upper, after_id, FEEDBACK_STEPS):
        eid, ref, repr_, action, at, after = (
            step.id,
            step.ref,
            step.object_repr,
            step.action,
            step.at,
            step.after,
        )
        relayed = action == FROM_BELOW
        yield (
            {
                "ref": ref,
                "number": repr_,
                "step": str(after.get("step")) if relayed else action,
                "at": str(after.get("their_at")) if relayed else at.isoformat(),
                "status": str(after.get("their_status" if relayed else "status") or ""),
                "text": describe(after),
            },
            eid,
        )


def _conflict_reason(clue: Clue, hand_down_at: Any) -> str:
    if clue.status == ClueStatus.MERGED:
        return _("本级已将该线索串并，下级的更新未写入。")
    reopened = AuditEntry.objects.filter(
        object_type="clues.clue", object_id=str(clue.pk), action="clue.reopen", at__gt=hand_down_at
    ).exists()
    if reopened:
        return _("本级已在交办后重新启动该线索，下级的更新未写入。")
    return ""


def apply(pkg: package.Package, partner: Partner) -> dict[str, int]:
    """Record every update on the upper clue's timeline, or as a conflict; all in the caller's transaction."""
    counts = {"updates": 0, "conflicts": 0, "moved": 0}
    handed: dict[str, tuple[int, str]] = {}  # upper number -> (clue id, conflict reason), once per package
    below = SystemActor.acting_for(_("下级：%(unit)s") % {"unit": partner.unit.name})
    for row in pkg.lines(UPDATES):
        ref = str(row["ref"])
        if ref not in handed:
            found = (
                HandDown.objects.filter(partner=partner, clue__number=ref)
                .order_by("-id")
                .values_list("clue_id", "sent_at")
                .first()
            )
            if found is None:
                raise package.PackageRefused(
                    _("数据包中的反馈对应的线索 %(ref)s 并未交办给“%(unit)s”。")
                    % {"ref": ref, "unit": partner.unit.name},
                    digest=pkg.digest,
                    sequence=pkg.sequence,
                )
            clue = Clue.objects.only("id", "status").get(pk=found[0])
            handed[ref] = (found[0], _conflict_reason(clue, found[1]))
        clue_id, reason = handed[ref]
        after = {
            "step": row["step"],
            "body": row.get("text", ""),
            "number": row.get("number", ""),
            "their_status": row.get("status", ""),
            "their_at": row.get("at", ""),
            "sequence": pkg.sequence,
        }
        if reason:
            Conflict.objects.create(
                partner=partner,
                clue_id=clue_id,
                step=row["step"],
                detail=row.get("text", ""),
                reason=reason,
                sequence=pkg.sequence,
            )
            audit.record(
                "exchange.conflict", actor=below, object_type="clues.clue", object_id=clue_id, after=after
            )
            counts["conflicts"] += 1
            continue
        audit.record(FROM_BELOW, actor=below, object_type="clues.clue", object_id=clue_id, after=after)
        counts["updates"] += 1
        counts["moved"] += int(do_step_from_below(clue_id, actor=below, step=str(row["step"])))
    return counts
