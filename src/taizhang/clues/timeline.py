"""The clue's timeline: its audit entries, labelled in Chinese (what staff see is what the auditor sees)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.clues.choices import ClueStatus, FindingResult, TransferAnswer
from taizhang.core.audit import actor_name
from taizhang.core.models import AuditEntry
from taizhang.core.statements import held_rows

ACTION_LABELS = {
    "clue.register": _("受理登记"),
    "clue.edit": _("修改登记信息"),
    "clue.triage": _("分流"),
    "clue.assign": _("交办"),
    "clue.reassign": _("改派"),
    "clue.report_first": _("首次回告"),
    "clue.report_progress": _("二次回告"),
    "clue.finding_recorded": _("提交核查结论（末次回告）"),
    "clue.finding_signed": _("签字背书"),
    "clue.finding_signoff_refused": _("负责人退回核查结论"),
    "clue.review_accept": _("审核通过"),
    "clue.review_return": _("退查"),
    "clue.transfer": _("移交移送"),
    "clue.transfer_answered": _("接收单位答复"),
    "clue.transfer_outcome": _("移送办理结果"),
    "clue.conclude": _("办结销账"),
    "clue.reopen": _("重新启动"),
    "clue.link": _("关联线索"),
    "clue.merge": _("串并（并入其他线索）"),
    "clue.moved_from_below": _("按下级反馈推进办理环节"),
    "exchange.handed_down": _("已交办至外部单位（数据包已发出）"),
    "exchange.conflict": _("下级反馈与本级处理冲突（未写入）"),
    "clue.merged_in": _("有线索并入本线索"),
    "clue.attach": _("上传附件"),
    "clue.attachment_read": _("查阅附件"),
    "clue.letter": _("生成移送函"),
    "clue.import": _("从历史台账导入"),
    "reporter.reveal": _("查看举报人身份（已记录事由）"),
    "reporter.reveal_refused": _("查看举报人身份被拒绝"),
    "reporter.reply": _("回复举报人"),
    "reporter.release_outcome": _("公开办理结果"),
    "reporter.feedback_due": _("待向举报人反馈"),
    "reporter.feedback": _("记录反馈情况"),
    "portal.reporter_message": _("举报人补充材料"),
    "extension.request": _("申请延期"),
    "extension.approve": _("批准延期"),
    "extension.refuse": _("不予延期"),
    "urging.issue": _("催办"),
    "urging.issued_on": _("发出催办单"),
    "listing.list": _("挂牌督办"),
    "listing.listed_on": _("挂牌督办"),
    "listing.lift": _("摘牌"),
    "talk.record": _("约谈"),
}
_RESULTS = dict(FindingResult.choices)
_ANSWERS = dict(TransferAnswer.choices)


def describe(after: dict[str, Any]) -> str:
    """The entry's details in words (units by name, never a person; results, answers, the body's start)."""
    detail = after.get("detail") or {}
    parts = []
    for key in ("unit", "receiver"):
        if detail.get(key):
            parts.append(str(detail[key]))
    if detail.get("result") in _RESULTS:
        parts.append(str(_RESULTS[detail["result"]]))
    if detail.get("answer") in _ANSWERS:
        parts.append(str(_ANSWERS[detail["answer"]]))
    for key in ("into", "linked", "duplicate", "name"):
        value = detail.get(key) or after.get(key)
        if value:
            parts.append(str(value))
    if after.get("body"):
        parts.append(str(after["body"])[:200])
    return "；".join(parts)


# A step a lower office's own instance took on a clue handed down to it, recorded here when its feedback
# package arrived (taizhang.exchange): shown read-only, marked as coming from below, labelled by its step.
FROM_BELOW = "exchange.from_below"
# What the upper office's instance sends down about a clue it handed down (received by the lower one).
FROM_ABOVE = "exchange.from_above"
_SIDE_LABELS = {FROM_BELOW: _("【来自下级】%(step)s"), FROM_ABOVE: _("【来自上级】%(step)s")}


def _label(action: str, after: dict[str, Any]) -> str:
    if action in _SIDE_LABELS:
        step = ACTION_LABELS.get(str(after.get("step")), _("其他操作"))
        return str(_SIDE_LABELS[action] % {"step": step})
    return str(ACTION_LABELS.get(action, _("其他操作")))


# Entries about the reporter thread (replies, reveals and their reasons, the reporter's messages): shown only
# to the people the reporter-thread pages and API serve (the office managing the clue).
REPORTER_ACTIONS = ("reporter.", "portal.")
# Entries that name another clue by its number.
OTHER_CLUE_KEYS = ("into", "linked", "duplicate")


def _other_numbers(entry: Entry) -> set[str]:
    after: dict[str, Any] = entry.after if isinstance(entry.after, dict) else {}
    found = after.get("detail")
    detail: dict[str, Any] = found if isinstance(found, dict) else {}
    return {str(v) for key in OTHER_CLUE_KEYS for v in (detail.get(key), after.get(key)) if v}


@dataclass(slots=True)
class Entry:
    """What the timeline reads of one audit entry (plain values: a clue's history is read whole each time)."""

    at: Any
    action: str
    actor_id: int | None
    actor_label: str
    actor_now: str  # the account's current name, "" for a system actor
    before: Any
    after: Any
    reason: str

    @property
    def actor(self) -> str:
        return self.actor_now or actor_name(self)


_COLUMNS = (
    "at",
    "action",
    "actor_id",
    "actor_label",
    "actor__display_name",
    "actor__username",
    "before",
    "after",
    "reason",
)


def _entry(row: tuple[Any, ...]) -> Entry:
    at, action, actor_id, label, shown, username, before, after, reason = row[:9]
    return Entry(
        at, action, actor_id, label, (shown or username or "") if actor_id else "", before, after, reason
    )


def entries_of(clue_id: int) -> list[Entry]:
    """The clue's audit entries, oldest first (one query; the detail page reads its sign-off notes from them).
    Only the columns the timeline reads (not the hash chain), the actor by its current name."""
    rows = AuditEntry.objects.filter(object_type="clues.clue", object_id=str(clue_id)).order_by("at", "id")
    return [_entry(row) for row in rows.values_list(*_COLUMNS)]


def _thread_ok(user: Any, clue: Any) -> bool:
    """Whether the reporter thread's entries are shown to `user` (None: the auditor, who sees everything)."""
    from taizhang.clues import permissions as perm

    return user is None or (clue is not None and perm.can_manage(user, clue))


def _seen_numbers(user: Any, entries: list[Entry]) -> tuple[set[str], set[str]]:
    """The other clues' numbers the entries name, and those of them `user` may see (one query, if any)."""
    from taizhang.clues.models import Clue

    named = set().union(*(_other_numbers(e) for e in entries)) if entries else set()
    if user is None or not named:
        return named, named
    return named, set(Clue.objects.visible_to(user).filter(number__in=named).values_list("number", flat=True))


def readable_entries(
    clue_id: int, user: Any = None, *, clue: Any = None, entries: list[Entry] | None = None
) -> list[Entry]:
    """The clue's audit entries that `user` may read, oldest first (see `timeline`)."""
    from taizhang.clues.models import Clue

    if entries is None:
        entries = entries_of(clue_id)
    if clue is None:
        clue = Clue.objects.select_related("office").filter(pk=clue_id).first()
    thread_ok = _thread_ok(user, clue)
    _named, seen = _seen_numbers(user, entries)
    return [
        entry
        for entry in entries
        if (thread_ok or not entry.action.startswith(REPORTER_ACTIONS)) and not _other_numbers(entry) - seen
    ]


SIGNED = "clue.finding_signed"


@dataclass(slots=True)
class Newest:
    """The newest entries a reader may read (oldest first), how many readable ones came before them, and
    every sign-off entry of the clue (the detail page shows each finding's sign-off opinion from them)."""

    entries: list[Entry]
    earlier: int
    signed: list[Entry]


def _newest(thread_ok: bool) -> Callable[[str, int], QuerySet[AuditEntry]]:
    """The query of newest_readable, for a reader the thread rule lets through or not."""

    def build(object_id: str, shown: int) -> QuerySet[AuditEntry]:
        keys = list(OTHER_CLUE_KEYS)
        kept = Q(action=SIGNED) | Q(after__has_any_keys=keys) | Q(after__detail__has_any_keys=keys)
        rows = AuditEntry.objects.filter(object_type="clues.clue", object_id=object_id)
        if not thread_ok:
            for prefix in REPORTER_ACTIONS:
                rows = rows.exclude(action__startswith=prefix)
        rows = rows.annotate(
            kept=Case(When(kept, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        rows = rows.annotate(
            total=Window(Count("id")),
            # Kept rows are numbered apart from the others: each other row's place among the others.
            place=Window(RowNumber(), partition_by="kept", order_by=[F("at").desc(), F("id").desc()]),
        ).filter(place__lte=Case(When(kept=1, then=Value(2**31 - 1)), default=Value(shown)))
        return rows.order_by("-at", "-id").values_list(*_COLUMNS, "kept", "total")

    return build


def newest_readable(clue: Any, user: Any, shown: int) -> Newest:
    """The clue's newest `shown` entries `user` may read, in one query whatever the history's length.

    Besides those, the query returns only the entries whose reading is decided by another record or that
    the page needs whatever their age ("kept": naming another clue — shown only if the reader may see it —
    and sign-offs), and the count of all the entries the reader's thread rule lets through (a window over
    the clue's rows: the database counts, nothing more is sent). Every other entry is readable, so the newest
    `shown` readable ones are among the newest `shown` others and the kept ones; the earlier readable ones
    are the count less the shown and the kept ones the reader may not read. Same answer as
    `readable_entries` over the whole history (tests/clues/test_detail_queries.py)."""
    thread_ok = _thread_ok(user, clue)
    # The query's shape depends only on thread_ok; compiled once (core.statements: 3.5 of its 5.5 ms).
    fetched = held_rows(
        ("clues.timeline.newest", thread_ok), AuditEntry, _newest(thread_ok), (str(clue.pk), shown)
    )
    entries = [_entry(row) for row in fetched]
    special = [entry for entry, row in zip(entries, fetched, strict=True) if row[9]]
    _named, seen = _seen_numbers(user, special)
    readable = [entry for entry in entries if not _other_numbers(entry) - seen]
    total = (fetched[0][10] if fetched else 0) - (len(entries) - len(readable))
    page = readable[:shown][::-1]
    return Newest(page, total - len(page), [entry for entry in special if entry.action == SIGNED])


def items_of(entries: list[Entry]) -> list[dict[str, Any]]:
    """The timeline's dicts for these entries, ready for the template."""
    labels = dict(ClueStatus.choices)
    items = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        old, new = before.get("status"), after.get("status")
        items.append(
            {
                "at": entry.at,
                "at_text": timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M"),
                "label": _label(entry.action, after),
                "actor": entry.actor,
                "status_change": (labels.get(old, old), labels.get(new, new))
                if old and new and old != new
                else None,
                "status": labels.get(new) if new and not old else None,
                "reason": entry.reason,
                "detail": describe(after) if isinstance(after, dict) else "",
                "from_below": entry.action == FROM_BELOW,
            }
        )
    return items


def timeline(
    clue_id: int, user: Any = None, *, clue: Any = None, entries: list[Entry] | None = None
) -> list[dict[str, Any]]:
    """One dict per audit entry of the clue that `user` may read, oldest first, ready for the template.

    Asked of the rule: an entry naming another clue (linked, merged) the reader cannot see is left out (its
    number would tell of it), and the reporter thread's entries are shown only to whom its pages serve.
    The detail page passes the clue it loaded (with its office) and the entries it read, saving queries."""
    return items_of(readable_entries(clue_id, user, clue=clue, entries=entries))
