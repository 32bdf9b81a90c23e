"""taizhang.core.memory.hold_mmap_threshold: a large block freed goes back to the system at once.

Without it glibc raises its mmap threshold to the largest block freed, so the next block of that size (an
argon2id hash's working memory, in a server worker) comes from a heap that keeps it: the worker stays that
much larger. Each case runs in a fresh interpreter, since the allocator's settings belong to the process."""

from __future__ import annotations

import subprocess
import sys

import pytest

from taizhang.core import memory

BLOCK_MIB = 24

# Allocate, touch and free a block twice (the second time is the one a raised threshold keeps), then print
# how much more is resident than before.
_PROGRAM = f"""
import sys
from taizhang.core import memory
if sys.argv[1] == "hold":
    assert memory.hold_mmap_threshold()
elif sys.argv[1] == "server":
    import taizhang.wsgi  # the server's entry point holds it
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
before = rss()
for _ in range(2):
    block = b"x" * ({BLOCK_MIB} * 1024 * 1024)
    del block
print(rss() - before)
"""


def _printed(program: str, mode: str) -> str:
    """What `program` prints, run in a fresh interpreter with `mode` as its argument."""
    return subprocess.run(
        [sys.executable, "-c", program, mode], capture_output=True, text=True, check=True
    ).stdout


def _kept_mib(mode: str) -> float:
    return float(_printed(_PROGRAM, mode))


@pytest.mark.skipif(memory._glibc() is None, reason="glibc's allocator only")
def test_a_large_block_freed_is_returned_to_the_system_once_the_threshold_is_held() -> None:
    assert _kept_mib("default") > BLOCK_MIB / 2  # the case the setting is for: glibc keeps the block
    assert _kept_mib("hold") < 2


@pytest.mark.skipif(memory._glibc() is None, reason="glibc's allocator only")
def test_the_server_holds_the_threshold() -> None:
    assert _kept_mib("server") < 2


# A thread allocates and frees blocks above pymalloc's 512 bytes (glibc's, from its thread's arena), then
# glibc says how many heaps (arenas) the process has.
_ARENAS = """
import ctypes, sys, tempfile, threading
from taizhang.core import memory
if sys.argv[1] == "one":
    assert memory.one_arena()
elif sys.argv[1] == "server":
    import taizhang.wsgi
def work():
    blocks = [bytearray(4096) for _ in range(256)]
    del blocks
thread = threading.Thread(target=work)
thread.start()
thread.join()
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
with tempfile.NamedTemporaryFile(suffix=".xml") as report:
    handle = libc.fopen(report.name.encode(), b"w")
    libc.malloc_info(0, handle)
    libc.fclose(handle)
    print(open(report.name).read().count("<heap nr="))
"""


def _heaps(mode: str) -> int:
    return int(_printed(_ARENAS, mode))


@pytest.mark.skipif(memory._glibc() is None, reason="glibc's allocator only")
def test_the_servers_threads_allocate_from_one_heap() -> None:
    assert _heaps("default") == 2  # the case the setting is for: the thread got an arena of its own
    assert _heaps("one") == 1
    assert _heaps("server") == 1
