"""Give freed memory back to the system: a long batch loop's, and a server worker's large blocks.

glibc's allocator keeps what a batch freed (its arenas' free lists and the top of the heap) for reuse, and
reuse fragments: a long loop's resident size creeps up batch after batch although the Python heap does not
grow. `malloc_trim(0)` returns the free pages.

It also raises its mmap threshold to the size of the largest block freed so far (up to 32 MiB): after the
first argon2id hash a server worker's 19 MiB working areas come from a heap that keeps them, and the
worker stays 19 MiB larger for good (measured with bench/load.py). `hold_mmap_threshold()` fixes the
threshold at glibc's default, so every block above 128 KiB is its own mapping, returned when freed.

And it gives each thread that allocates an arena of its own (up to eight per core), each keeping the blocks
its thread freed for that thread's reuse: a gthread worker's four threads held 2–3 MiB free in their arenas
after bench/load.py. Under the GIL one thread allocates at a time (but for a few C calls that let it go), so
`one_arena()` has every thread allocate from the main heap, as a single-threaded worker would.
Elsewhere (musl, macOS, Windows) these do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable
from functools import cache

# mallopt's parameter numbers for the mmap threshold and the number of arenas, and glibc's default threshold.
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 128 * 1024


@cache
def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim  # noqa: B018 - glibc only
    except (OSError, AttributeError):
        return None
    return libc


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    libc = _glibc()
    if libc is None:
        return None
    trim = libc.malloc_trim
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def _mallopt(parameter: int, value: int) -> bool:
    libc = _glibc()
    if libc is None:
        return False
    mallopt = libc.mallopt
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(parameter, value))


def hold_mmap_threshold() -> bool:
    """Keep glibc from raising its mmap threshold (see above); True when it took effect."""
    return _mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


def one_arena() -> bool:
    """Have every thread allocate from glibc's main heap (see above): call it before other threads start;
    True when it took effect."""
    return _mallopt(M_ARENA_MAX, 1)


def release_freed() -> None:
    """Return the allocator's free memory to the system (between the batches of a long loop)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
