"""The audit chain's secret key and its checkpoint, both kept outside the database.

A hash chain alone proves nothing to someone who can write the database: they change a row and recompute every
hash after it. Two things the database does not hold close that hole:

- the key: each row's hash is an HMAC-SHA256 under a key from TAIZHANG_AUDIT_KEY or the key file
  (var/audit.key, created 0600 like the identity key). Without it, no one can make a row that verifies;
- the checkpoint: a small file (var/audit-checkpoint.json), HMAC-signed with the same key, naming the newest
  row's id and hash, how many rows there were and where the keyed rows began. The worker rewrites it on every
  pass and `taizhang audit verify` after each clean check. Cutting the newest rows off, or rewriting the whole
  chain back to unkeyed rows, no longer matches it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from taizhang import conf


class AuditKeyError(Exception):
    """The audit key cannot be read."""


@lru_cache(maxsize=4)
def _key_cached(env_key: str, key_file: str) -> bytes:
    if env_key:
        try:
            key = base64.b64decode(env_key, validate=True)
        except binascii.Error as exc:
            raise AuditKeyError("TAIZHANG_AUDIT_KEY must be base64") from exc
        if len(key) < 32:
            raise AuditKeyError("TAIZHANG_AUDIT_KEY must decode to at least 32 bytes")
        return key
    path = Path(key_file)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with conf.open_private(path, "w") as out:
            out.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
    return base64.b64decode(path.read_text().strip())


def key() -> bytes:
    """The audit chain's HMAC key (created in the key file on first use when no environment key is set)."""
    return _key_cached(settings.AUDIT_KEY, settings.AUDIT_KEY_FILE)


def reset_key_cache() -> None:
    _key_cached.cache_clear()


def mac(message: str) -> str:
    """HMAC-SHA256 of `message` under the audit key, hex."""
    return hmac.new(key(), message.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    """The chain as it stood when last checked: its newest row, its length, where keyed rows began."""

    last_id: int
    last_hash: str
    count: int
    keyed_from: int | None
    written_at: str

    def _message(self) -> str:
        return "checkpoint|" + json.dumps(asdict(self), sort_keys=True)

    def signed(self) -> dict[str, Any]:
        return {**asdict(self), "mac": mac(self._message())}


class CheckpointError(Exception):
    """The checkpoint file exists but was altered or cannot be read."""


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def read_checkpoint() -> Checkpoint | None:
    """The last checkpoint, None if there is none yet; CheckpointError if its signature does not hold."""
    path = checkpoint_path()
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        given = data.pop("mac")
        point = Checkpoint(**data)
    except (ValueError, TypeError, KeyError) as exc:
        raise CheckpointError("the checkpoint file cannot be read") from exc
    if not hmac.compare_digest(given, mac(point._message())):
        raise CheckpointError("the checkpoint file's signature does not match: it was altered")
    return point


def write_checkpoint(last_id: int, last_hash: str, count: int, keyed_from: int | None) -> Checkpoint:
    """Replace the checkpoint file (written beside it, then moved in place)."""
    point = Checkpoint(
        last_id=last_id,
        last_hash=last_hash,
        count=count,
        keyed_from=keyed_from,
        written_at=timezone.now().isoformat(timespec="seconds"),
    )
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with conf.open_private(tmp, "w") as out:
        json.dump(point.signed(), out, sort_keys=True)
    os.replace(tmp, path)
    return point
