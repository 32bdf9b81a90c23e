"""Writing and verifying the hash-chained audit log (the only code that inserts AuditEntry rows)."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _l

from taizhang.core import audit_key, clock
from taizhang.core.context import current_request_id
from taizhang.core.models import AuditEntry, AuditHead

log = logging.getLogger("taizhang.audit")

GENESIS = "0" * 64
# Any constant works; it only has to be the same for every writer of the chain.
_PG_LOCK_KEY = 734_211_337


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str)
    return str(value)


def jsonable(value: Any) -> Any:
    """Make a value JSON-safe the same way the chain hashes it."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=_json_default, ensure_ascii=False))


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of a record as a JSON-safe dict (foreign keys by id)."""
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        data[name] = getattr(obj, attname)
    return jsonable(data)


KEYED = 2  # the chain_version of rows written now (1: unkeyed SHA-256, before the key existed)


def entry_hash(prev_hash: str, fields: dict[str, Any], version: int = KEYED) -> str:
    """The row's hash over the previous hash and its canonical JSON: HMAC-SHA256 under the audit key (kept
    outside the database) for keyed rows, plain SHA-256 for rows written before the chain was keyed."""
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=_json_default)
    if version == 1:
        return hashlib.sha256((prev_hash + "|" + payload).encode()).hexdigest()
    return audit_key.mac(f"v{version}|{prev_hash}|{payload}")


def _hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "request_id": entry.request_id,
    }


def _lock_chain() -> AuditHead:
    # Two writers must never read the same head and fork the chain: the head row's lock serialises them once
    # the row exists. Creating it is the only race left, so only then PostgreSQL takes a transaction-level
    # advisory lock; SQLite already serialises writers (transactions are BEGIN IMMEDIATE, see settings).
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
    return head


def record(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry to the audit log inside the caller's transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    actor_label = str(actor_obj) if actor_obj else (actor if isinstance(actor, str) else "")
    pending = _deferred.get()
    if pending is not None and connection.in_atomic_block:
        entry = AuditEntry(
            at=clock.now(),
            actor=actor_obj,
            actor_label=actor_label[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr[:200],
            before=jsonable(before),
            after=jsonable(after),
            reason=reason,
            request_id=current_request_id(),
            chain_version=KEYED,
        )
        pending.append(entry)
        return entry
    # No savepoint: an entry that cannot be written must abort the caller's whole change, never be skipped.
    with transaction.atomic(savepoint=False):
        head = _lock_chain()
        entry = AuditEntry(
            at=clock.now(),
            actor=actor_obj,
            actor_label=actor_label[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr[:200],
            before=jsonable(before),
            after=jsonable(after),
            reason=reason,
            request_id=current_request_id(),
            prev_hash=head.last_hash,
            chain_version=KEYED,
        )
        entry.hash = entry_hash(entry.prev_hash, _hashed_fields(entry), KEYED)
        entry.save()
        head.last_id = entry.pk
        head.last_hash = entry.hash
        head.save(update_fields=["last_id", "last_hash"])
    return entry


_deferred: ContextVar[list[AuditEntry] | None] = ContextVar("audit_deferred", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """Within one long transaction (a legacy import of thousands of rows), collect its audit entries and chain
    them all at the end, still inside the transaction: the chain's head is locked for the moment it takes to
    append them, not for the minutes the import runs, so other people's sign-ins and messages do not wait.
    All or nothing as before: the entries commit or roll back with the rows they describe."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.deferred() belongs inside the transaction whose entries it collects")
    pending: list[AuditEntry] = []
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    if pending and not connection.needs_rollback:
        _append(pending)


def _append(entries: list[AuditEntry]) -> None:
    with transaction.atomic(savepoint=False):
        head = _lock_chain()
        prev = head.last_hash
        for entry in entries:
            entry.prev_hash = prev
            entry.hash = entry_hash(prev, _hashed_fields(entry), KEYED)
            prev = entry.hash
        created = AuditEntry.objects.bulk_create(entries, batch_size=500)
        head.last_id = created[-1].pk
        head.last_hash = prev
        head.save(update_fields=["last_id", "last_hash"])


@dataclass(frozen=True)
class ChainProblem:
    """The first place where the audit chain does not hold."""

    entry_id: int | None
    message: str


def _iter_entries(after: int = 0, batch: int = 2000) -> Iterator[AuditEntry]:
    last = after
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last).order_by("id")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].pk


@dataclass
class _Walk:
    count: int = 0
    last_id: int = 0
    last_hash: str = GENESIS
    keyed_from: int | None = None


def _walk(state: _Walk, after: int, floor: int | None) -> ChainProblem | None:
    """Check every row after id `after`, continuing `state`; `floor` is where keyed rows began according to the
    checkpoint (an unkeyed row from there on is a rewritten one)."""
    for entry in _iter_entries(after):
        if entry.prev_hash != state.last_hash:
            return ChainProblem(
                entry.pk, "previous hash does not match: a row before it was removed or altered"
            )
        version = entry.chain_version
        keyed_already = state.keyed_from is not None or (floor is not None and entry.pk >= floor)
        if version != KEYED and (version != 1 or keyed_already):
            return ChainProblem(entry.pk, "an unkeyed row after keyed ones: the chain was rewritten")
        if not hmac.compare_digest(entry_hash(entry.prev_hash, _hashed_fields(entry), version), entry.hash):
            return ChainProblem(entry.pk, "content does not match its hash: the row was altered")
        if version == KEYED and state.keyed_from is None:
            state.keyed_from = entry.pk
        state.last_hash, state.last_id = entry.hash, entry.pk
        state.count += 1
    return None


def _check_head(state: _Walk) -> ChainProblem | None:
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_id != state.last_id or head.last_hash != state.last_hash):
        return ChainProblem(
            head.last_id or None, "the newest entries were removed (chain head points past the end)"
        )
    return None


def _check_against(point: audit_key.Checkpoint, state: _Walk) -> ChainProblem | None:
    """The chain must still contain the checkpoint's newest row, unchanged, and be at least as long."""
    if state.last_id < point.last_id or state.count < point.count:
        return ChainProblem(
            point.last_id,
            "entries recorded in the checkpoint outside the database are missing: the newest entries were cut off",
        )
    anchored = AuditEntry.objects.filter(pk=point.last_id).values_list("hash", flat=True).first()
    if anchored != point.last_hash:
        return ChainProblem(
            point.last_id, "the entry the checkpoint anchors was replaced: the chain was rewritten"
        )
    if point.keyed_from is not None and state.keyed_from != point.keyed_from:
        return ChainProblem(point.keyed_from, "an unkeyed row after keyed ones: the chain was rewritten")
    return None


def verify_chain(*, anchor: bool = False) -> tuple[int, ChainProblem | None]:
    """Walk the whole chain; return how many rows were checked and the first problem, if any. The chain must
    also agree with the checkpoint outside the database; with `anchor`, a clean chain writes a new checkpoint."""
    try:
        point = audit_key.read_checkpoint()
    except audit_key.CheckpointError as exc:
        return 0, ChainProblem(None, str(exc))
    state = _Walk()
    problem = (
        _walk(state, 0, point.keyed_from if point else None)
        or _check_head(state)
        or (_check_against(point, state) if point else None)
    )
    if problem is None and anchor:
        audit_key.write_checkpoint(state.last_id, state.last_hash, state.count, state.keyed_from)
    return state.count, problem


def anchor_chain(now: object = None) -> int:
    """Check the rows written since the last checkpoint and move the checkpoint to the newest (the worker's
    job, every pass); a chain that does not hold is logged and the checkpoint stays where it was."""
    try:
        point = audit_key.read_checkpoint()
    except audit_key.CheckpointError:
        log.error("audit checkpoint altered; run `taizhang audit verify`")
        return 0
    if point is None:
        _count, problem = verify_chain(anchor=True)
    else:
        state = _Walk(point.count, point.last_id, point.last_hash, point.keyed_from)
        problem = _check_against(point, _Walk(point.count, point.last_id, "", point.keyed_from)) or _walk(
            state, point.last_id, point.keyed_from
        )
        if problem is None:
            audit_key.write_checkpoint(state.last_id, state.last_hash, state.count, state.keyed_from)
    if problem is not None:
        log.error("audit chain broken at entry %s: %s", problem.entry_id, problem.message)
        return 0
    return 1


# System actors are recorded by their code (the auditor's); people read their Chinese names.
SYSTEM_ACTOR_NAMES = {
    "portal": _l("举报人（网络举报平台）"),
    "cli": _l("系统管理命令"),
    "exchange": _l("上下级联动"),
}


def actor_name(entry: Any) -> str:
    """Who did it, as a person reads it: the account's name, or the system actor's Chinese name."""
    if entry.actor_id:
        # The current name when the person was loaded with the entry (select_related), else the recorded one.
        cached = entry._state.fields_cache.get("actor")
        return str(cached) if cached is not None else entry.actor_label
    label = entry.actor_label or ""
    return str(SYSTEM_ACTOR_NAMES.get(label, label))
