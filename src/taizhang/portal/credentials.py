"""Receipt codes, passphrases and their argon2id hashes.

The default hash parameters are RFC 9106's second recommended option, the "low memory" profile (argon2id,
64 MiB, 3 passes, 4 lanes; also argon2-cffi's own default): the passphrase is the one credential guarding a
reporter's thread, and a citizen does not notice ~150 ms. Settings (or TAIZHANG_PORTAL_ARGON2_* in the
environment) may change them but never go below OWASP's minimum for argon2id (19 MiB memory, 2 passes, 1 lane).

A hash keeps its own parameters, so receipts hashed under an older profile still open; on a successful open
their hash is upgraded to the current profile (see portal.actions.find_receipt).

Every hash runs on a small pool of threads of its own at a lower CPU priority (HASH_NICENESS; on Linux the
priority is per thread and the threads libargon2 starts for its lanes inherit it). The request waits for it
as before; on a busy server the hash takes the CPU the staff's pages leave, so a citizen's submission takes a
little longer and nobody else waits for it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TypeVar

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError
from django.conf import settings

from taizhang import conf

# OWASP's minimum for argon2id: the floor whatever the settings say.
MIN_MEMORY_KIB = 19 * 1024
MIN_TIME_COST = 2
MIN_PARALLELISM = 1
# RFC 9106 section 4, second recommended option ("low memory"): the default.
DEFAULT_MEMORY_KIB = 64 * 1024
DEFAULT_TIME_COST = 3
DEFAULT_PARALLELISM = 4
# 31 symbols with no look-alikes (no 0/o, 1/l/i): a generated passphrase of 16 symbols carries 79 bits.
_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
PASSPHRASE_GROUPS = 4
PASSPHRASE_GROUP_LEN = 4
MIN_CHOSEN_LENGTH = 10


# How much lower the hashing threads' CPU priority is than the request threads' (Linux nice, up to 19).
HASH_NICENESS = 10

Profile = tuple[int, int, int]  # (memory KiB, passes, lanes)
T = TypeVar("T")
_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def _lower_priority() -> None:
    # PRIO_PROCESS with a thread id sets that thread's niceness on Linux; elsewhere the hash runs as before.
    with contextlib.suppress(OSError, AttributeError):
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + HASH_NICENESS))


def run_hash(work: Callable[[], T]) -> T:
    """Run `work` (an argon2 hash or check) on the low-priority hashing threads and wait for its answer."""
    global _pool
    pool = _pool
    if pool is None or pool[0] != os.getpid():  # none yet, or inherited from the parent of a forked worker
        with _pool_lock:
            if _pool is None or _pool[0] != os.getpid():
                executor = ThreadPoolExecutor(
                    max_workers=os.cpu_count() or 2, thread_name_prefix="argon2", initializer=_lower_priority
                )
                _pool = (os.getpid(), executor)
            pool = _pool
    return pool[1].submit(work).result()


FLOOR: Profile = (MIN_MEMORY_KIB, MIN_TIME_COST, MIN_PARALLELISM)


@lru_cache(maxsize=8)
def _hasher(memory_kib: int, time_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=parallelism,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


def _setting(name: str, default: int) -> int:
    # Django setting PORTAL_<NAME>, else environment TAIZHANG_PORTAL_<NAME>, else the default.
    value = getattr(settings, f"PORTAL_{name}", None)
    if value is not None:
        return int(value)
    return conf.env_int(f"TAIZHANG_PORTAL_{name}", default)


def current_profile() -> Profile:
    """The configured (memory KiB, passes, lanes), each raised to OWASP's minimum if set lower."""
    return (
        max(_setting("ARGON2_MEMORY_KIB", DEFAULT_MEMORY_KIB), MIN_MEMORY_KIB),
        max(_setting("ARGON2_TIME_COST", DEFAULT_TIME_COST), MIN_TIME_COST),
        max(_setting("ARGON2_PARALLELISM", DEFAULT_PARALLELISM), MIN_PARALLELISM),
    )


def hasher() -> PasswordHasher:
    """The argon2id hasher, never weaker than OWASP's minimum whatever the settings say."""
    return _hasher(*current_profile())


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
    normalised = normalise_passphrase(passphrase)
    return run_hash(lambda: hasher().hash(normalised))


@lru_cache(maxsize=8)
def _dummy_hash(profile: Profile) -> str:
    # Called from _verify, already on a hashing thread (waiting on the pool from inside it could deadlock).
    return _hasher(*profile).hash(secrets.token_urlsafe(24))


def _stored_profile(stored_hash: str) -> Profile | None:
    try:
        p = extract_parameters(stored_hash)
    except InvalidHashError:
        return None
    return (p.memory_cost, p.time_cost, p.parallelism)


def verify_passphrase(stored_hash: str | None, passphrase: str) -> bool:
    """Check a passphrase (see _verify) on the low-priority hashing threads."""
    return run_hash(lambda: _verify(stored_hash, passphrase))


def _verify(stored_hash: str | None, passphrase: str) -> bool:
    """Check a passphrase; with no stored hash, spend the same time on a dummy one and answer False.

    Hashes exist under two profiles at most: OWASP's minimum (the default before RFC 9106's) and the current
    one. When they differ every check costs one hash under each, the stored hash's own and a dummy for the
    other, so a receipt hashed under either profile and an unknown receipt take the same time.
    """
    current = current_profile()
    normalised = normalise_passphrase(passphrase)
    target = stored_hash or _dummy_hash(current)
    try:
        # argon2 reads the parameters from the hash itself, so a hash under an older profile still verifies.
        ok = bool(hasher().verify(target, normalised))
    except (VerificationError, InvalidHashError):
        ok = False
    if current != FLOOR:
        pad = current if _stored_profile(target) == FLOOR else FLOOR
        with contextlib.suppress(VerificationError):  # the expected answer: only the time it took matters
            _hasher(*pad).verify(_dummy_hash(pad), normalised)
    return bool(ok and stored_hash)


def needs_rehash(stored_hash: str) -> bool:
    """True when a stored hash was made under other parameters than the current ones."""
    return _stored_profile(stored_hash) != current_profile()
