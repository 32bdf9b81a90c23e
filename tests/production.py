"""The environment of a production process (DEBUG off, a real secret key), for tests that start one."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def production_env(tmp_path: Path) -> dict[str, str]:
    """Settings from the environment as production gives them, files under `tmp_path`."""
    # Nothing of the test process's own settings (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TAIZHANG_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        TAIZHANG_DEBUG="0",
        TAIZHANG_SECRET_KEY=secrets.token_urlsafe(60),
        TAIZHANG_VAR_DIR=str(tmp_path),
        TAIZHANG_ALLOWED_HOSTS="taizhang.example.org,testserver",
        DJANGO_SETTINGS_MODULE="taizhang.settings",
        PYTHONPATH=str(ROOT / "src"),
    )
    return env
