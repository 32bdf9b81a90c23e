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

from taizhang.clues.actions.from_below import StepsFromBelow
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
CHUNK = 1000  # updates read, checked and written together
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
    if not Received.objects.filter(partner=parent).exists():
        return

    def upper(ids: list[int]) -> dict[int, str]:
        return dict(
            Received.objects.filter(partner=parent, clue_id__in=ids).values_list("clue_id", "upper_number")
        )

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


def _conflict_reason(status: str, reopened: list[Any], hand_down_at: Any) -> str:
    """Why an update may not be written on the upper clue (a decision taken here since), or ''."""
    if status == ClueStatus.MERGED:
        return _("本级已将该线索串并，下级的更新未写入。")
    if any(at > hand_down_at for at in reopened):
        return _("本级已在交办后重新启动该线索，下级的更新未写入。")
    return ""


def _handed(partner: Partner, refs: set[str]) -> dict[str, tuple[int, str]]:
    """Upper number -> (clue id, conflict reason) for the refs of one chunk, in three queries."""
    found: dict[str, tuple[int, Any]] = {}
    rows = (
        HandDown.objects.filter(partner=partner, clue__number__in=refs)
        .order_by("id")
        .values_list("clue__number", "clue_id", "sent_at")
    )
    for number, clue_id, sent_at in rows:
        found[number] = (clue_id, sent_at)  # the latest hand-down wins
    ids = [cid for cid, _at in found.values()]
    status = dict(Clue.objects.filter(pk__in=ids).values_list("id", "status"))
    reopened: dict[int, list[Any]] = {}
    for object_id, at in AuditEntry.objects.filter(
        object_type="clues.clue", object_id__in=[str(i) for i in ids], action="clue.reopen"
    ).values_list("object_id", "at"):
        reopened.setdefault(int(object_id), []).append(at)
    return {
        ref: (cid, _conflict_reason(status[cid], reopened.get(cid, []), sent_at))
        for ref, (cid, sent_at) in found.items()
    }


def _chunks(pkg: package.Package, size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in pkg.lines(UPDATES):
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def apply(pkg: package.Package, partner: Partner) -> dict[str, int]:
    """Record every update on the upper clue's timeline, or as a conflict, and move the clue as a local unit's
    step would; all in the caller's transaction, chunk by chunk (reads per chunk, writes in bulk, the audit
    entries chained in package order by append_many)."""
    counts = {"updates": 0, "conflicts": 0, "moved": 0}
    below = SystemActor.acting_for(_("下级：%(unit)s") % {"unit": partner.unit.name})
    batch = StepsFromBelow(below)
    for chunk in _chunks(pkg):
        handed = _handed(partner, {str(row["ref"]) for row in chunk})
        missing = next((str(r["ref"]) for r in chunk if str(r["ref"]) not in handed), None)
        if missing is not None:
            raise package.PackageRefused(
                _("数据包中的反馈对应的线索 %(ref)s 并未交办给“%(unit)s”。")
                % {"ref": missing, "unit": partner.unit.name},
                digest=pkg.digest,
                sequence=pkg.sequence,
            )
        batch.load(cid for cid, reason in handed.values() if not reason)
        entries: list[AuditEntry] = []
        conflicts: list[Conflict] = []
        for row in chunk:
            clue_id, reason = handed[str(row["ref"])]
            after = {
                "step": row["step"],
                "body": row.get("text", ""),
                "number": row.get("number", ""),
                "their_status": row.get("status", ""),
                "their_at": row.get("at", ""),
                "sequence": pkg.sequence,
            }
            if reason:
                conflicts.append(
                    Conflict(
                        partner=partner,
                        clue_id=clue_id,
                        step=row["step"],
                        detail=row.get("text", ""),
                        reason=reason,
                        sequence=pkg.sequence,
                    )
                )
                action = "exchange.conflict"
            else:
                action = FROM_BELOW
            entries.append(
                audit.entry(action, actor=below, object_type="clues.clue", object_id=clue_id, after=after)
            )
            if reason:
                counts["conflicts"] += 1
                continue
            counts["updates"] += 1
            if (moved := batch.step(clue_id, str(row["step"]))) is not None:
                entries.append(moved)
                counts["moved"] += 1
        batch.flush()
        Conflict.objects.bulk_create(conflicts)
        audit.append_many(entries)
    return counts
