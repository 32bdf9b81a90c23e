"""Receipt codes, passphrases and their argon2id hashes.

The hash parameters are at least OWASP's minimum for argon2id (19 MiB memory, 2 passes, 1 lane); they may be
raised through settings but never lowered below it.
"""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from django.conf import settings

MIN_MEMORY_KIB = 19 * 1024
MIN_TIME_COST = 2
# 31 symbols with no look-alikes (no 0/o, 1/l/i): a generated passphrase of 16 symbols carries 79 bits.
_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
PASSPHRASE_GROUPS = 4
PASSPHRASE_GROUP_LEN = 4
MIN_CHOSEN_LENGTH = 10


@lru_cache(maxsize=4)
def _hasher(memory_kib: int, time_cost: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=max(time_cost, MIN_TIME_COST),
        memory_cost=max(memory_kib, MIN_MEMORY_KIB),
        parallelism=1,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


def hasher() -> PasswordHasher:
    """The argon2id hasher, never weaker than OWASP's minimum whatever the settings say."""
    return _hasher(
        getattr(settings, "PORTAL_ARGON2_MEMORY_KIB", MIN_MEMORY_KIB),
        getattr(settings, "PORTAL_ARGON2_TIME_COST", MIN_TIME_COST),
    )


def new_receipt_code() -> str:
    """16 random decimal digits from the operating system's CSPRNG (about 53 bits)."""
    return f"{secrets.randbelow(10**16):016d}"


def normalise_code(text: str) -> str:
    """What a person typed as a receipt code, without spaces or dashes."""
    return "".join(ch for ch in (text or "") if ch.isdigit())[:32]


def format_code(code: str) -> str:
    """Groups of four digits, easier to copy down by hand."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def new_passphrase() -> str:
    """A readable random passphrase such as 'k7pm-x3qa-9tfe-2hwd' (79 bits, no look-alike characters)."""
    groups = (
        "".join(secrets.choice(_ALPHABET) for _ in range(PASSPHRASE_GROUP_LEN))
        for _ in range(PASSPHRASE_GROUPS)
    )
    return "-".join(groups)


def normalise_passphrase(text: str) -> str:
    """Spaces at the ends are dropped; a generated passphrase is compared without case."""
    value = (text or "").strip()
    if len(value) == PASSPHRASE_GROUPS * (PASSPHRASE_GROUP_LEN + 1) - 1 and value.count("-") == 3:
        value = value.lower()
    return value[:200]


def hash_passphrase(passphrase: str) -> str:
    """An argon2id hash (with its own random salt) of the passphrase; the passphrase itself is never stored."""
    return hasher().hash(normalise_passphrase(passphrase))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hasher().hash(secrets.token_urlsafe(24))


def verify_passphrase(stored_hash: str | None, passphrase: str) -> bool:
    """Check a passphrase; with no stored hash, spend the same time on a dummy one and answer False."""
    target = stored_hash or _dummy_hash()
    try:
        ok: bool = hasher().verify(target, normalise_passphrase(passphrase))
    except (VerificationError, InvalidHashError):
        ok = False
    return bool(ok and stored_hash)
