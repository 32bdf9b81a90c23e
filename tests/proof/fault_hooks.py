"""A pause point for fault tests: wrap a function so the process stops mid-transaction, ready to be killed.

TAIZHANG_FAULT_PAUSE="module:function" (e.g. "taizhang.core.audit:record") makes the first call run, write
TAIZHANG_FAULT_MARKER, and sleep: the transaction around it is half done and uncommitted when the test
sends SIGKILL. Used as a gunicorn config file (post_worker_init) and by the worker scripts of test_faults.
"""

from __future__ import annotations

import importlib
import os
import time
from pathlib import Path
from typing import Any


def install_pause() -> None:
    target = os.environ.get("TAIZHANG_FAULT_PAUSE", "")
    if not target:
        return
    module_name, name = target.split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, name)
    marker = Path(os.environ["TAIZHANG_FAULT_MARKER"])

    def paused(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        marker.write_text(target)
        time.sleep(300)
        return result

    setattr(module, name, paused)


def post_worker_init(worker: Any) -> None:  # gunicorn hook: this file doubles as a gunicorn config
    install_pause()
