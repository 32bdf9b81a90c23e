"""Abuse resistance without outside services: a proof-of-work challenge and rate limits per client and in total.

Per-client limits must not store addresses: the client is counted under an HMAC of its address, keyed with a
secret derived from SECRET_KEY and the window itself, so the same address gives an unrelated value in the next
window, and the counter row is deleted once its window has passed. Nothing links a counter to a report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang import conf
from taizhang.core.errors import ActionError
from taizhang.gate.models import RateCounter, SpentChallenge

_POW_SALT = "taizhang.portal.pow"


class Throttled(ActionError):
    """Too many requests from this client, or in total, inside the window."""

    status = 429

    def __init__(self) -> None:
        super().__init__("throttled", _("操作过于频繁，请稍后再试。"))


def setting(name: str, default: int) -> int:
    """A portal limit: Django setting PORTAL_<NAME>, else environment TAIZHANG_PORTAL_<NAME>, else default."""
    value = getattr(settings, f"PORTAL_{name}", None)
    if value is not None:
        return int(value)
    return conf.env_int(f"TAIZHANG_PORTAL_{name}", default)


# bucket: (per-client limit setting, total limit setting, window seconds)
LIMITS: dict[str, tuple[tuple[str, int], tuple[str, int], int]] = {
    "submit": (("SUBMIT_PER_CLIENT", 5), ("SUBMIT_TOTAL", 600), 3600),
    "open": (("OPEN_PER_CLIENT", 10), ("OPEN_TOTAL", 2000), 900),
    "open_code": (("OPEN_PER_CODE", 10), ("OPEN_TOTAL_CODES", 1_000_000), 3600),
    "message": (("MESSAGE_PER_CLIENT", 20), ("MESSAGE_TOTAL", 2000), 3600),
    "survey": (("SURVEY_PER_CLIENT", 5), ("SURVEY_TOTAL", 20000), 3600),
}


def _window(seconds: int) -> dt.datetime:
    now = int(timezone.now().timestamp())
    return dt.datetime.fromtimestamp(now - now % seconds, tz=dt.UTC)


def client_key(address: str, window: dt.datetime) -> str:
    """The keyed hash a client is counted under in one window (not reversible without SECRET_KEY)."""
    key = hashlib.sha256(f"portal-rate|{settings.SECRET_KEY}|{window.isoformat()}".encode()).digest()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def client_address(request: HttpRequest) -> str:
    """The address used only to derive the counter key; never stored or logged by the application."""
    header = getattr(settings, "PORTAL_CLIENT_ADDRESS_HEADER", "") or conf.env_str(
        "TAIZHANG_PORTAL_CLIENT_ADDRESS_HEADER"
    )
    if header:
        forwarded = request.META.get(header, "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _bump(bucket: str, keys: list[str], window: dt.datetime) -> list[int]:
    """Add one to each counter and return the new counts, in one statement (PostgreSQL and SQLite upsert).

    Runs in autocommit outside the submission's transaction, so a refused or failed submission still counts.
    """
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(window)
    rows = ", ".join(["(%s, %s, %s, 1)"] * len(keys))
    params: list[Any] = []
    for key in keys:
        params += [bucket, key, at]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (bucket, client, window_start, count) VALUES {rows} "  # noqa: S608
            f"ON CONFLICT (bucket, client, window_start) DO UPDATE SET count = {table}.count + 1 "
            "RETURNING client, count",
            params,
        )
        counts = dict(cursor.fetchall())
    return [int(counts.get(key, 1)) for key in keys]


def hit(bucket: str, identity: str) -> None:
    """Count one request in `bucket` for `identity` (an address or a code) and refuse past either limit."""
    (client_name, client_default), (total_name, total_default), seconds = LIMITS[bucket]
    window = _window(seconds)
    if secrets.randbelow(50) == 0:
        # Old windows are useless and hold hashes: prune now and then instead of with a scheduler.
        RateCounter.objects.filter(bucket=bucket, window_start__lt=window).delete()
        SpentChallenge.objects.filter(expires_at__lt=timezone.now()).delete()
    client_count, total_count = _bump(bucket, [client_key(identity, window), ""], window)
    if client_count > setting(client_name, client_default) or total_count > setting(
        total_name, total_default
    ):
        raise Throttled()


# --- proof of work ------------------------------------------------------------------------------------------


def pow_bits() -> int:
    """Leading zero bits a solution needs (16 ≈ 65 000 SHA-256 tries, about a second in a phone's browser)."""
    return setting("POW_BITS", 16)


def pow_max_age() -> int:
    return setting("POW_MAX_AGE", 3600)


def new_challenge() -> str:
    """A server-signed challenge: random nonce and difficulty, valid for an hour, usable once."""
    return signing.dumps({"n": secrets.token_hex(16), "b": pow_bits()}, salt=_POW_SALT, compress=False)


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + (8 - byte.bit_length())
    return bits


def solve(challenge: str, bits: int) -> str:
    """Find a solution (used by tests and the benchmark; browsers run static/portal/pow.js)."""
    counter = 0
    while True:
        answer = str(counter)
        if leading_zero_bits(hashlib.sha256(f"{challenge}:{answer}".encode()).digest()) >= bits:
            return answer
        counter += 1


class ChallengeFailed(ActionError):
    """The proof-of-work is missing, forged, expired, reused or wrong."""

    def __init__(self) -> None:
        super().__init__("challenge_failed", _("安全校验未通过或已过期，请重新提交（页面会自动重新计算）。"))


def check_challenge(challenge: str, answer: str) -> str:
    """Verify signature, age and solution; return the nonce (spend it with `spend_challenge`)."""
    try:
        data = signing.loads(challenge or "", salt=_POW_SALT, max_age=pow_max_age())
    except signing.BadSignature as exc:
        raise ChallengeFailed() from exc
    bits = int(data.get("b", 0))
    if bits < min(pow_bits(), 256) or len(answer or "") > 20:
        raise ChallengeFailed()
    digest = hashlib.sha256(f"{challenge}:{answer}".encode()).digest()
    if leading_zero_bits(digest) < bits:
        raise ChallengeFailed()
    return str(data["n"])


def spend_challenge(nonce: str) -> None:
    """Mark a nonce used; a second use is refused.

    No savepoint: inside the submission's transaction a duplicate aborts the whole submission, which is the
    point; in autocommit (opening a receipt) the failed insert is its own statement.
    """
    try:
        SpentChallenge.objects.create(
            nonce=nonce, expires_at=timezone.now() + dt.timedelta(seconds=pow_max_age())
        )
    except IntegrityError as exc:
        raise ChallengeFailed() from exc
