"""The pure package must import without Django."""

from __future__ import annotations

import subprocess
import sys


def test_pure_modules_do_not_import_django() -> None:
    code = (
        "import sys, pkgutil, importlib, taizhang.pure as p\n"
        "for m in pkgutil.iter_modules(p.__path__):\n"
        "    importlib.import_module('taizhang.pure.' + m.name)\n"
        "assert not any(n == 'django' or n.startswith('django.') for n in sys.modules), 'django imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
