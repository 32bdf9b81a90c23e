"""The supervision worker: plan what is due and deliver it in the same transaction, safe on several machines.

1. plan_deadlines(now): stream every supervised deadline up to the reminder horizon (one server-side cursor)
   and, PLAN_BATCH events per transaction, insert one Dispatch per event under a unique key
   ("clue:12:verification:20261201235959:remind1") with ON CONFLICT DO NOTHING RETURNING; for exactly the keys
   this worker inserted, insert the notifications and urging notices and send the emails before the commit.
   A second worker planning the same batch waits on the uncommitted keys, then gets nothing back and writes
   and sends nothing; a worker dying mid-batch rolls the batch back and the next pass plans it again (email is
   at least once: a crash between the SMTP answer and the commit resends that batch's messages).
2. deliver(now): dispatches planned by other apps (`enqueue`) and digests: claim a batch (SELECT … FOR UPDATE
   SKIP LOCKED, then a lease), create the notifications (unique per person and key), mark them done. A worker
   that dies holding a lease loses it when the lease expires, and the next one delivers — nothing twice.
3. send_emails(now) / plan_digests(now): the same claim → send → mark for email that was not sent at planning
   (notifications from `notify()`, or a failed SMTP attempt).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import socket
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, Protocol, runtime_checkable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from taizhang.core import clock, deadlines
from taizhang.core.bulk import existing, insert_new
from taizhang.core.discovery import hooks
from taizhang.core.gongwen import date_text
from taizhang.org.models import User
from taizhang.org.visibility import readers
from taizhang.supervision.choices import DispatchKind, DispatchStatus, EmailState
from taizhang.supervision.models import Dispatch, Notification, UrgingNotice
from taizhang.supervision.notify import notify_rows
from taizhang.supervision.recipients import Directory
from taizhang.supervision.sources import SOURCES, Item, target_model

log = logging.getLogger("taizhang.supervision.worker")

LEASE = dt.timedelta(minutes=5)
CLAIM_BATCH = 1000
PLAN_BATCH = 2000
DIGEST_HOUR = 8
URGING_REPLY_WORKDAYS = 2


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


# ---------------------------------------------------------------- the rows a pass handles


class Event(NamedTuple):
    """One reminder, urging or escalation due now for a deadline."""

    kind: str  # DispatchKind
    key: str  # the dispatch's unique key ("clue:12:verification:…:remind1")
    recipients: list[int]
    title: str


Due = tuple[Item, Event]


class NewDispatch(NamedTuple):
    """A planned dispatch row, in DISPATCH_COLUMNS order."""

    key: str
    kind: str
    payload: dict[str, Any]
    status: str
    due_at: dt.datetime
    claimed_by: str
    attempts: int
    created_at: dt.datetime
    done_at: dt.datetime


class NewNotification(NamedTuple):
    """A planned notification, before each person's email preference is added (NOTIFICATION_COLUMNS order)."""

    user_id: int
    key: str
    title: str
    body: str
    url: str
    target_type_id: int
    target_id: int
    created_at: dt.datetime


class NewUrgingNotice(NamedTuple):
    """A planned urging notice, in URGING_COLUMNS order."""

    number: str
    target_type_id: int
    target_id: int
    target_label: str
    office_id: int
    unit_id: int | None
    step: str
    deadline_at: dt.datetime
    reply_by: dt.datetime
    body: str
    issued_at: dt.datetime
    key: str


class Mailed(NamedTuple):
    """A notification to email: its id, the reader's address, what the message lists."""

    pk: int
    address: str
    title: str
    url: str


class ClaimedDispatch(NamedTuple):
    pk: int
    key: str
    kind: str
    payload: dict[str, Any]


class Reader(NamedTuple):
    """An active recipient's email preference, cached for a delivery run."""

    pk: int
    email: str
    wants_daily_digest: bool


# ---------------------------------------------------------------- planning


class Rules:
    """Everything events_for needs that does not depend on the item, computed once per pass.

    The working-day answers depend only on the deadline's local day, and a pass sees few distinct days, so
    each (day, offset) is asked of the calendar once instead of once per row.
    """

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.today = timezone.localtime(now).date()
        self.cal = deadlines.calendar()
        self._policies: dict[int, deadlines.Policy] = {}
        self._reminded: dict[tuple[dt.date, int], bool] = {}
        self._late: dict[dt.date, int] = {}
        self._days: dict[dt.datetime, dt.date] = {}
        self.remind = _("【到期提醒】%(n)s「%(s)s」将于 %(d)s 到期")
        self.urge = _("【催办】%(n)s「%(s)s」已于 %(d)s 逾期")
        self.to_leader = _("【逾期升级】%(n)s「%(s)s」逾期 %(w)s 个工作日，请单位负责人督促办理")
        self.to_office = _("【逾期升级】%(n)s「%(s)s」逾期 %(w)s 个工作日，提请扫黑办督办")
        self.urging_body = _(URGING_BODY)
        self.reply_by = deadlines.add_workdays(now, URGING_REPLY_WORKDAYS)
        self.notice_prefix = f"{timezone.localtime(now):%Y}-CB-"
        self._ct: dict[str, int] = {}

    def ct_id(self, kind: str) -> int:
        found = self._ct.get(kind)
        if found is None:
            found = self._ct[kind] = _ct_id(kind)
        return found

    def policy(self, office_id: int) -> deadlines.Policy:
        found = self._policies.get(office_id)
        if found is None:
            found = self._policies[office_id] = deadlines.policy_for(office_id)
        return found

    def day(self, deadline: dt.datetime) -> dt.date:
        found = self._days.get(deadline)
        if found is None:
            if len(self._days) > 50_000:  # deadlines are mostly end-of-day; keep memory bounded anyway
                self._days.clear()
            found = self._days[deadline] = timezone.localtime(deadline).date()
        return found

    def reminder_due(self, due_day: dt.date, offset: int) -> bool:
        found = self._reminded.get((due_day, offset))
        if found is None:
            found = self._reminded[due_day, offset] = self.today >= self.cal.add_workdays(due_day, -offset)
        return found

    def late(self, due_day: dt.date) -> int:
        found = self._late.get(due_day)
        if found is None:
            found = self._late[due_day] = self.cal.workdays_between(due_day, self.today)
        return found


def events_for(item: Item, now: dt.datetime, rules: Rules | None = None) -> list[Event]:
    """The events due now for one deadline."""
    r = rules or Rules(now)
    policy = r.policy(item.office_id)
    due_day = r.day(item.deadline)
    args = {"n": item.number, "t": item.title[:40], "s": item.step_label, "d": f"{due_day:%Y-%m-%d}"}
    found: list[Event] = []
    if item.deadline > now:
        # Only the nearest reminder stage: a worker catching up after downtime sends one reminder, not three.
        for offset in sorted(policy.reminder_offsets):
            if r.reminder_due(due_day, offset):
                found.append(
                    Event(DispatchKind.REMIND, item.key(f"remind{offset}"), item.actors, r.remind % args)
                )
                break
        return found
    late = r.late(due_day)
    found.append(Event(DispatchKind.URGE, item.key("urge"), item.actors, r.urge % args))
    if item.leaders and late >= policy.escalate_leader_workdays:
        found.append(
            Event(
                DispatchKind.ESCALATE_LEADER,
                item.key("leader"),
                item.leaders,
                r.to_leader % {**args, "w": late},
            )
        )
    if late >= policy.escalate_office_workdays:
        found.append(
            Event(
                DispatchKind.ESCALATE_OFFICE,
                item.key("office"),
                item.office,
                r.to_office % {**args, "w": late},
            )
        )
    return found


def _horizon(now: dt.datetime) -> dt.datetime:
    # The farthest reminder offset of any policy bounds what must be looked at.
    offsets = [deadlines.policy_for(None).reminder_offsets, *(p.reminder_offsets for p in _policies())]
    widest = max((max(o) for o in offsets if o), default=0)
    return deadlines.add_workdays(now, widest)


def _policies() -> Iterable[deadlines.Policy]:
    return deadlines.all_policies()


def _chunks(it: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for x in it:
        chunk.append(x)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def plan_deadlines(now: dt.datetime, *, me: str | None = None) -> int:
    """Record and deliver every reminder, urging and escalation that is due; return how many were new.

    Each chunk is one transaction: insert the dispatch keys (skipping known ones) and, for exactly the keys this
    worker inserted, the notifications and urging notices, then email them. A second worker planning the same
    chunk waits on the unique key, then gets nothing back, so it writes and sends nothing; a worker dying
    mid-chunk rolls the chunk back and the next pass plans it again.

    On PostgreSQL outside a transaction, PLAN_WRITERS threads (each with its own connection) write the chunks
    while this thread computes the next ones: the chunks hold disjoint keys, so they never wait on each other,
    and the Python work overlaps the database work instead of alternating with it.
    """
    me = me or worker_id()
    horizon = _horizon(now)
    d = Directory()
    rules = Rules(now)

    def events() -> Iterator[Due]:
        for source in SOURCES:
            for item in source(horizon, d):
                for event in events_for(item, now, rules):
                    yield item, event

    chunks = _chunks(events(), PLAN_BATCH)
    if PLAN_WRITERS > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _plan_in_threads(chunks, now, me, d, rules)
    return sum(_plan_chunk(chunk, now, me, d, rules) for chunk in chunks)


# Writer threads (and connections) per worker: the database side dominates (index maintenance, constraint
# checks), and at 10,000 due clues 4 writers planned in about half the time of 1.
PLAN_WRITERS = 4


def _plan_in_threads(
    chunks: Iterator[list[Due]], now: dt.datetime, me: str, d: Directory, rules: Rules
) -> int:
    """Hand chunks to PLAN_WRITERS writer threads through a short queue (memory stays bounded)."""
    todo: queue.Queue[list[Due] | None] = queue.Queue(maxsize=PLAN_WRITERS)
    planned: list[int] = []
    errors: list[BaseException] = []

    def write() -> None:
        try:
            while (chunk := todo.get()) is not None:
                if not errors:  # after a failure, only drain (the producer is stopping)
                    planned.append(_plan_chunk(chunk, now, me, d, rules))
        except BaseException as exc:  # re-raised in the calling thread below
            errors.append(exc)
            while todo.get() is not None:
                pass
        finally:
            connections.close_all()  # this thread's own connection

    writers = [threading.Thread(target=write, name=f"plan-writer-{i}") for i in range(PLAN_WRITERS)]
    for t in writers:
        t.start()
    try:
        for chunk in chunks:
            if errors:
                break
            todo.put(chunk)
    finally:
        for _t in writers:
            todo.put(None)
        for t in writers:
            t.join()
    if errors:
        raise errors[0]
    return sum(planned)


def _plan_chunk(chunk: list[Due], now: dt.datetime, me: str, d: Directory, rules: Rules) -> int:
    """Plan, notify and email one chunk of events in one transaction; return how many events were new."""
    keys = [event.key for _item, event in chunk]
    known = existing("supervision_dispatch", "key", keys)
    fresh = _through_the_rule([(item, ev) for item, ev in chunk if ev.key not in known and ev.recipients])
    if not fresh:
        return 0
    with transaction.atomic():
        # The payload records who was told, so the dispatch row is the record of what was sent.
        rows = [
            NewDispatch(
                key=ev.key,
                kind=ev.kind,
                payload={"recipients": list(dict.fromkeys(ev.recipients))},
                status=DispatchStatus.DONE,
                due_at=now,
                claimed_by=me,
                attempts=1,
                created_at=now,
                done_at=now,
            )
            for _item, ev in fresh
        ]
        inserted = dict(
            (key, pk)
            for pk, key in insert_new("supervision_dispatch", DISPATCH_COLUMNS, rows, returning="id, key")
        )
        mine = [(item, ev) for item, ev in fresh if ev.key in inserted]
        emails = _write_notifications(
            [
                NewNotification(
                    uid,
                    ev.key,
                    ev.title[:200],
                    item.body,
                    item.url[:300],
                    rules.ct_id(item.kind),
                    item.pk,
                    now,
                )
                for item, ev in mine
                for uid in dict.fromkeys(ev.recipients)
            ],
            d,
        )
        notices = [
            _urging_row(inserted[ev.key], ev.key, item, rules)
            for item, ev in mine
            if ev.kind == DispatchKind.URGE and item.urging_notice and ev.recipients
        ]
        insert_new("supervision_urgingnotice", URGING_COLUMNS, notices, returning="id")
        # Last, still inside the transaction: a crash before the commit rolls the notifications back and
        # the next pass sends again (email is at least once); after the commit nothing is left to do.
        _email_inserted(emails, now)
    return len(mine)


def _through_the_rule(events: list[Due]) -> list[Due]:
    """The events with only the recipients the visibility rule lets see the record (a 保护伞 clue's office staff,
    a recused unit's liaison are dropped): one query per distinct scope and kind of record in the chunk. An
    event left with nobody is still recorded (its key), so the next pass does not plan it again."""
    wanted: dict[str, dict[int, set[int]]] = {}
    for item, ev in events:
        wanted.setdefault(item.kind, {}).setdefault(item.pk, set()).update(ev.recipients)
    allowed = {kind: readers(target_model(kind), records) for kind, records in wanted.items()}
    # Event(...) rather than ev._replace(...): ten times faster, and a pass filters every event.
    return [
        (
            item,
            Event(
                ev.kind,
                ev.key,
                [u for u in ev.recipients if u in allowed[item.kind].get(item.pk, ())],
                ev.title,
            ),
        )
        for item, ev in events
    ]


DISPATCH_COLUMNS = [
    ("key", "text"),
    ("kind", "text"),
    ("payload", "jsonb"),
    ("status", "text"),
    ("due_at", "timestamptz"),
    ("claimed_by", "text"),
    ("attempts", "smallint"),
    ("created_at", "timestamptz"),
    ("done_at", "timestamptz"),
]
NOTIFICATION_COLUMNS = [
    ("user_id", "bigint"),
    ("key", "text"),
    ("title", "text"),
    ("body", "text"),
    ("url", "text"),
    ("target_type_id", "integer"),
    ("target_id", "bigint"),
    ("created_at", "timestamptz"),
    ("email_state", "text"),
    ("emailed_at", "timestamptz"),
]
URGING_COLUMNS = [
    ("number", "text"),
    ("target_type_id", "integer"),
    ("target_id", "bigint"),
    ("target_label", "text"),
    ("office_id", "bigint"),
    ("unit_id", "bigint"),
    ("step", "text"),
    ("deadline_at", "timestamptz"),
    ("reply_by", "timestamptz"),
    ("body", "text"),
    ("issued_at", "timestamptz"),
    ("key", "text"),
]


def _write_notifications(rows: list[NewNotification], d: Directory) -> list[Mailed]:
    """Insert the notifications with each person's email preference; skip known (user, key).

    Rows to be emailed at once are inserted already marked sent (their email goes out before the commit, see
    _email_inserted); returns those.
    """
    d.people(list({r.user_id for r in rows}))
    full: list[tuple[Any, ...]] = []
    for row in rows:
        user = d.users.get(row.user_id)
        if user is None or not user.is_active:
            continue
        if not user.email:
            full.append((*row, EmailState.NONE, None))
        elif user.wants_daily_digest:
            full.append((*row, EmailState.DIGEST, None))
        else:
            full.append((*row, EmailState.SENT, row.created_at))
    inserted = insert_new(
        "supervision_notification",
        NOTIFICATION_COLUMNS,
        full,
        returning="id, user_id, title, url, email_state",
    )
    return [
        Mailed(pk, d.users[uid].email, title, url)
        for pk, uid, title, url, state in inserted
        if state == EmailState.SENT
    ]


def _email_inserted(notes: list[Mailed], now: dt.datetime) -> None:
    """Email the notifications this transaction inserted as sent, one message per person; if sending fails,
    turn them back to pending so send_emails retries them (the transaction still commits the rest)."""
    if not notes:
        return
    by_person: dict[str, list[Mailed]] = {}
    for note in notes:
        by_person.setdefault(note.address, []).append(note)
    try:
        with mail.get_connection() as connection:
            connection.send_messages([_email(address, rows) for address, rows in by_person.items()])
    except Exception:
        log.exception("sending %d emails failed; send_emails retries them", len(by_person))
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(
            email_state=EmailState.PENDING, emailed_at=None, email_lease_until=None
        )


def enqueue(
    key: str,
    *,
    recipients: list[int],
    title: str,
    body: str = "",
    url: str = "",
    due_at: Any = None,
    about: Any = None,
) -> None:
    """For other apps' worker jobs: plan a notification under a unique key (delivered by the next pass).
    `about` is the record it concerns: delivery tells only the recipients the visibility rule lets see it."""
    payload: dict[str, Any] = {"recipients": recipients, "title": title, "body": body, "url": url}
    if about is not None:
        payload["target"] = [ContentType.objects.get_for_model(type(about)).pk, about.pk]
        if getattr(about, "is_umbrella", False):
            payload["body"] = ""
    Dispatch.objects.bulk_create(
        [Dispatch(key=key[:200], kind=DispatchKind.NOTICE, due_at=due_at or timezone.now(), payload=payload)],
        ignore_conflicts=True,
    )


def _allowed_recipients(rows: list[ClaimedDispatch]) -> dict[int, set[int]]:
    """Dispatch id -> the recipients the rule lets see the dispatch's record (only dispatches that name one)."""
    wanted: dict[int, dict[int, set[int]]] = {}
    for row in rows:
        if "target" in row.payload:
            type_id, target_id = row.payload["target"]
            wanted.setdefault(type_id, {}).setdefault(target_id, set()).update(
                row.payload.get("recipients", [])
            )
    seen = {
        type_id: readers(ContentType.objects.get_for_id(type_id).model_class(), records)
        for type_id, records in wanted.items()
    }
    return {
        row.pk: seen[row.payload["target"][0]].get(row.payload["target"][1], set())
        for row in rows
        if "target" in row.payload
    }


# ---------------------------------------------------------------- delivery


def claim(
    model: Any, claimable: Q, *, now: dt.datetime, me: str, size: int, lease_field: str, mark: dict
) -> list[int]:
    """Claim up to `size` rows: lock them skipping rows another worker holds, then stamp our lease."""
    with transaction.atomic():
        ids = list(
            model.objects.select_for_update(skip_locked=True)
            .filter(claimable)
            .order_by("id")
            .values_list("id", flat=True)[:size]
        )
        if ids:
            model.objects.filter(pk__in=ids).update(**{lease_field: now + LEASE}, **mark)
    return ids


def _claimable_dispatches(now: dt.datetime) -> Q:
    return Q(due_at__lte=now) & (
        Q(status=DispatchStatus.PENDING) | Q(status=DispatchStatus.CLAIMED, lease_until__lt=now)
    )


def deliver(
    now: dt.datetime, *, me: str | None = None, batch: int = CLAIM_BATCH, limit: int | None = None
) -> int:
    """Claim due dispatches batch by batch and deliver them; return how many this worker completed."""
    me = me or worker_id()
    done = 0
    users_cache: dict[int, Reader] = {}
    while limit is None or done < limit:
        ids = claim(
            Dispatch,
            _claimable_dispatches(now),
            now=now,
            me=me,
            size=batch,
            lease_field="lease_until",
            mark={"status": DispatchStatus.CLAIMED, "claimed_by": me, "attempts": F("attempts") + 1},
        )
        if not ids:
            break
        done += _deliver_batch(ids, now, me, users_cache)
    return done


def _deliver_batch(ids: list[int], now: dt.datetime, me: str, users_cache: dict[int, Reader]) -> int:
    rows = [
        ClaimedDispatch._make(row)
        for row in Dispatch.objects.filter(pk__in=ids, claimed_by=me).values_list(
            "pk", "key", "kind", "payload"
        )
    ]
    needed = {uid for row in rows for uid in row.payload.get("recipients", []) if uid not in users_cache}
    if needed:
        users_cache.update(
            {
                u[0]: Reader._make(u)
                for u in User.objects.filter(pk__in=needed, is_active=True).values_list(
                    "pk", "email", "wants_daily_digest"
                )
            }
        )
    notes: list[Notification] = []
    notices: list[UrgingNotice] = []
    digests: list[tuple[int, int]] = []
    allowed = _allowed_recipients(rows)
    for pk, key, kind, payload in rows:
        if kind == DispatchKind.DIGEST:
            digests.append((pk, payload["user"]))
            continue
        target = payload.get("target") or [None, None]
        for uid in payload.get("recipients", []):
            user = users_cache.get(uid)
            if user is None or (pk in allowed and uid not in allowed[pk]):
                continue
            email = (
                EmailState.NONE
                if not user.email
                else (EmailState.DIGEST if user.wants_daily_digest else EmailState.PENDING)
            )
            notes.append(
                Notification(
                    user_id=uid,
                    key=key,
                    title=payload["title"][:200],
                    body=payload.get("body", ""),
                    url=payload.get("url", "")[:300],
                    target_type_id=target[0],
                    target_id=target[1],
                    created_at=now,
                    email_state=email,
                )
            )
        if "urging" in payload:
            notices.append(_urging_notice(pk, key, payload, now))
    with transaction.atomic():
        notify_rows(notes)
        UrgingNotice.objects.bulk_create(notices, batch_size=1000, ignore_conflicts=True)
        # Only rows still under our lease: if it expired and another worker took over, it marks them.
        finished = Dispatch.objects.filter(
            pk__in=[r.pk for r in rows if r.kind != DispatchKind.DIGEST], claimed_by=me
        ).update(status=DispatchStatus.DONE, done_at=now, lease_until=None)
    for pk, user_id in digests:
        if _send_digest(user_id, now):
            finished += Dispatch.objects.filter(pk=pk, claimed_by=me).update(
                status=DispatchStatus.DONE, done_at=now, lease_until=None
            )
    return finished


def _ct_id(kind: str) -> int:
    # ContentType's own cache: it is cleared whenever content types are recreated (a flush, a migration).
    return ContentType.objects.get_for_model(target_model(kind)).pk


URGING_BODY = gettext_noop(
    "%(label)s，「%(step)s」环节办理时限为%(deadline)s，现已逾期。请你单位高度重视，立即组织办理，"
    "并于%(reply)s前将办理情况书面回复。"
)


def _urging_row(dispatch_id: int, key: str, item: Item, rules: Rules) -> NewUrgingNotice:
    """The notice an urging dispatch issues (planning path: a row for insert_new, no model instance)."""
    label = f"{item.number} {item.title}"[:240]
    body = rules.urging_body % {
        "label": label,
        "step": item.step_label,
        "deadline": date_text(rules.day(item.deadline)),
        "reply": date_text(rules.reply_by),
    }
    return NewUrgingNotice(
        number=f"{rules.notice_prefix}{dispatch_id:07d}",
        target_type_id=rules.ct_id(item.kind),
        target_id=item.pk,
        target_label=label,
        office_id=item.office_id,
        unit_id=item.unit_id,
        step=item.step_label[:60],
        deadline_at=item.deadline,
        reply_by=rules.reply_by,
        body=body,
        issued_at=rules.now,
        key=key,
    )


def _urging_notice(dispatch_id: int, key: str, payload: dict[str, Any], now: dt.datetime) -> UrgingNotice:
    u = payload["urging"]
    local = timezone.localtime(now)
    deadline = dt.datetime.fromisoformat(u["deadline"])
    body = _(URGING_BODY) % {
        "label": u["label"],
        "step": u["step"],
        "deadline": date_text(deadline),
        "reply": date_text(dt.datetime.fromisoformat(u["reply_by"])),
    }
    return UrgingNotice(
        number=f"{local:%Y}-CB-{dispatch_id:07d}",
        target_type_id=_ct_id(u["target"]),
        target_id=u["target_id"],
        target_label=u["label"][:240],
        office_id=u["office_id"],
        unit_id=u["unit_id"],
        step=u["step"][:60],
        deadline_at=deadline,
        reply_by=dt.datetime.fromisoformat(u["reply_by"]),
        body=body,
        issued_at=now,
        key=key,
    )


# ---------------------------------------------------------------- email


def _absolute(url: str) -> str:
    return url if url.startswith("http") or not url else settings.SITE_URL.rstrip("/") + url


EMAIL_BATCH = 2000


def send_emails(now: dt.datetime, *, me: str | None = None) -> int:
    """Email pending notifications, one message per person per batch (claim → send → mark); return how many
    notifications were emailed. Each message names its notifications in X-Taizhang-Notifications."""
    me = me or worker_id()
    sent = 0
    claimable = Q(email_state=EmailState.PENDING) & (
        Q(email_lease_until__isnull=True) | Q(email_lease_until__lt=now)
    )
    while True:
        ids = claim(
            Notification,
            claimable,
            now=now,
            me=me,
            size=EMAIL_BATCH,
            lease_field="email_lease_until",
            mark={},
        )
        if not ids:
            return sent
        by_person: dict[str, list[Mailed]] = {}
        for note in _still_visible(ids):
            by_person.setdefault(note.address, []).append(note)
        messages = [_email(address, notes) for address, notes in by_person.items() if address]
        try:
            with mail.get_connection() as connection:
                connection.send_messages(messages)
        except Exception:
            log.exception("sending %d emails failed; they retry when the lease expires", len(messages))
            return sent
        Notification.objects.filter(pk__in=ids, email_state=EmailState.PENDING).update(
            email_state=EmailState.SENT, emailed_at=now, email_lease_until=None
        )
        sent += len(ids)


def _still_visible(ids: list[int]) -> list[Mailed]:
    """The notifications whose reader may still see their record; the others are
    blanked and taken off the email queue (a clue became 保护伞 or the unit was recused after it was sent)."""
    rows = list(
        Notification.objects.filter(pk__in=ids).values_list(
            "pk", "user_id", "user__email", "title", "url", "target_type_id", "target_id"
        )
    )
    wanted: dict[int, dict[int, set[int]]] = {}
    for _pk, uid, _e, _t, _u, type_id, target_id in rows:
        if type_id and target_id:
            wanted.setdefault(type_id, {}).setdefault(target_id, set()).add(uid)
    seen = {
        type_id: readers(ContentType.objects.get_for_id(type_id).model_class(), records)
        for type_id, records in wanted.items()
    }
    kept: list[Mailed] = []
    lost: list[int] = []
    for pk, uid, email, title, url, type_id, target_id in rows:
        if type_id and target_id and uid not in seen[type_id].get(target_id, ()):
            lost.append(pk)
        else:
            kept.append(Mailed(pk, email, title, url))
    if lost:
        from taizhang.supervision.audience import redacted_title

        Notification.objects.filter(pk__in=lost).update(
            title=redacted_title(), body="", url="", email_state=EmailState.NONE, email_lease_until=None
        )
    return kept


def _email(address: str, notes: list[Mailed]) -> mail.EmailMessage:
    subject = (
        notes[0].title if len(notes) == 1 else _("【台账】您有 %(n)s 条新的督办消息") % {"n": len(notes)}
    )
    lines = [f"· {n.title}\n  {_absolute(n.url)}" for n in notes]
    body = "\n".join(lines) + "\n\n" + _("（台账系统自动发送，请勿直接回复。）")
    return mail.EmailMessage(
        subject=subject,
        body=body,
        to=[address],
        headers={"X-Taizhang-Notifications": ",".join(str(n.pk) for n in notes)},
    )


def plan_digests(now: dt.datetime) -> int:
    """After DIGEST_HOUR, plan one digest per person who chose it and has something waiting."""
    local = timezone.localtime(now)
    if local.hour < DIGEST_HOUR:
        return 0
    users = (
        Notification.objects.filter(email_state=EmailState.DIGEST)
        .values_list("user_id", flat=True)
        .distinct()
    )
    rows = [
        Dispatch(
            key=f"digest:{uid}:{local:%Y%m%d}", kind=DispatchKind.DIGEST, due_at=now, payload={"user": uid}
        )
        for uid in users
    ]
    Dispatch.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _send_digest(user_id: int, now: dt.datetime) -> bool:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    notes = list(
        Notification.objects.filter(user_id=user_id, email_state=EmailState.DIGEST).order_by("id")[:200]
    )
    if user is None or not user.email or not notes:
        return True
    visible = {pk for pk, *_rest in _still_visible([n.pk for n in notes])}
    notes = [n for n in notes if n.pk in visible]
    if not notes:
        return True
    lines = [f"· {n.title}  {_absolute(n.url)}" for n in notes]
    subject = _("【台账每日摘要】您有 %(n)s 条新的督办消息") % {"n": len(notes)}
    try:
        mail.send_mail(subject, "\n".join(lines), None, [user.email])
    except Exception:
        log.exception("digest for user %s failed; retried after the lease", user_id)
        return False
    Notification.objects.filter(pk__in=[n.pk for n in notes]).update(
        email_state=EmailState.SENT, emailed_at=now
    )
    return True


# ---------------------------------------------------------------- the pass


@runtime_checkable
class WorkerJobsHook(Protocol):
    """`<app>/worker_jobs.py`: the app's jobs for each worker pass (each takes "now", returns a count)."""

    JOBS: Sequence[Callable[[dt.datetime], int]]


def jobs() -> list[Callable[[dt.datetime], int]]:
    """Every app's `worker_jobs.JOBS`, then delivery and email, so what any job planned goes out this pass."""
    found: list[Callable[[dt.datetime], int]] = []
    for module in hooks("worker_jobs", WorkerJobsHook):
        found.extend(module.JOBS)
    return [*found, deliver, send_emails]


def run_once(now: dt.datetime | None = None) -> dict[str, int]:
    """One pass of every job; a failing job is logged and the others still run."""
    now = now or clock.now()
    results: dict[str, int] = {}
    for job in jobs():
        name = f"{job.__module__}.{job.__name__}"
        try:
            results[name] = int(job(now) or 0)
        except Exception:
            log.exception("worker job %s failed", name)
            results[name] = -1
    return results
