"""Give the memory a long batch loop freed back to the system.

glibc's allocator keeps what a batch freed (its arenas' free lists and the top of the heap) for reuse, and
reuse fragments: a long loop's resident size creeps up batch after batch although the Python heap does not
grow. `malloc_trim(0)` returns the free pages. Elsewhere (musl, macOS, Windows) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim  # glibc only
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_freed() -> None:
    """Return the allocator's free memory to the system (between the batches of a long loop)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
