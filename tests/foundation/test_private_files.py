"""Files that hold secrets or the whole ledger are created readable by their owner only (mode 0600)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from taizhang import conf


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_private_files_are_0600_from_creation_whatever_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        with conf.open_private(tmp_path / "new") as out:
            assert _mode(tmp_path / "new") == 0o600
            out.write(b"x")
        (tmp_path / "loose").write_bytes(b"")
        assert _mode(tmp_path / "loose") == 0o644
        conf.ensure_private_file(tmp_path / "loose")
        conf.ensure_private_file(tmp_path / "db.sqlite3")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "loose") == _mode(tmp_path / "db.sqlite3") == 0o600


def test_the_sqlite_database_and_keys_are_created_0600(tmp_path):
    """A fresh installation under a 022 umask: `taizhang migrate` leaves the database, the identity key and the
    secret key readable by the owner only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAIZHANG_")}
    env.update(TAIZHANG_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="taizhang.settings")
    code = "import os; os.umask(0o022); from taizhang.cli import main; main()"
    subprocess.run(
        [sys.executable, "-c", code, "showmigrations", "core"],
        env=env,
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    keyring = "import django; django.setup(); from taizhang.core import sealing; sealing.keyring()"
    subprocess.run(
        [sys.executable, "-c", f"import os; os.umask(0o022); {keyring}"],
        env=env,
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    assert _mode(tmp_path / "taizhang.sqlite3") == 0o600
    assert _mode(tmp_path / "secret_key") == 0o600
    assert _mode(tmp_path / "identity.key") == 0o600
