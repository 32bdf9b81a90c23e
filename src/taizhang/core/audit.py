"""Writing and verifying the hash-chained audit log (the only code that inserts AuditEntry rows)."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _l

from taizhang.core import clock
from taizhang.core.context import current_request_id
from taizhang.core.models import AuditEntry, AuditHead

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


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the row's canonical JSON."""
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=_json_default)
    return hashlib.sha256((prev_hash + "|" + payload).encode()).hexdigest()


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
        )
        entry.hash = entry_hash(entry.prev_hash, _hashed_fields(entry))
        entry.save()
        head.last_id = entry.pk
        head.last_hash = entry.hash
        head.save(update_fields=["last_id", "last_hash"])
    return entry


@dataclass(frozen=True)
class ChainProblem:
    """The first place where the audit chain does not hold."""

    entry_id: int | None
    message: str


def _iter_entries(batch: int = 2000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last).order_by("id")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].pk


def verify_chain() -> tuple[int, ChainProblem | None]:
    """Walk the whole chain; return how many rows were checked and the first problem, if any."""
    prev = GENESIS
    count = 0
    last_id = 0
    for entry in _iter_entries():
        if entry.prev_hash != prev:
            return count, ChainProblem(
                entry.pk, "previous hash does not match: a row before it was removed or altered"
            )
        if entry_hash(entry.prev_hash, _hashed_fields(entry)) != entry.hash:
            return count, ChainProblem(entry.pk, "content does not match its hash: the row was altered")
        prev = entry.hash
        last_id = entry.pk
        count += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_id != last_id or head.last_hash != prev):
        return count, ChainProblem(
            head.last_id or None, "the newest entries were removed (chain head points past the end)"
        )
    return count, None


# System actors are recorded by their code (the auditor's); people read their Chinese names.
SYSTEM_ACTOR_NAMES = {
    "portal": _l("举报人（网络举报平台）"),
    "cli": _l("系统管理命令"),
}


def actor_name(entry: Any) -> str:
    """Who did it, as a person reads it: the account's name, or the system actor's Chinese name."""
    if entry.actor_id:
        # The current name when the person was loaded with the entry (select_related), else the recorded one.
        cached = entry._state.fields_cache.get("actor")
        return str(cached) if cached is not None else entry.actor_label
    label = entry.actor_label or ""
    return str(SYSTEM_ACTOR_NAMES.get(label, label))
