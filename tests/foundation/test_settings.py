"""Settings refuse to start in production mode without a proper secret key."""

import os
import subprocess
import sys


def _import_settings(env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAIZHANG_")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-c", "import taizhang.settings"], env=env, capture_output=True, text=True
    )


def test_production_without_secret_key_refuses(tmp_path):
    result = _import_settings({"TAIZHANG_DEBUG": "0", "TAIZHANG_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "TAIZHANG_SECRET_KEY is required" in result.stderr


def test_production_with_short_secret_key_refuses(tmp_path):
    result = _import_settings(
        {"TAIZHANG_DEBUG": "0", "TAIZHANG_SECRET_KEY": "short", "TAIZHANG_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode != 0


def test_production_with_secret_key_starts(tmp_path):
    result = _import_settings(
        {"TAIZHANG_DEBUG": "0", "TAIZHANG_SECRET_KEY": "k" * 50, "TAIZHANG_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr


def test_development_generates_a_key_into_var(tmp_path):
    result = _import_settings({"TAIZHANG_DEBUG": "1", "TAIZHANG_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert len((tmp_path / "secret_key").read_text()) >= 40


def test_bad_boolean_is_a_clear_error(tmp_path):
    result = _import_settings({"TAIZHANG_DEBUG": "maybe", "TAIZHANG_VAR_DIR": str(tmp_path)})
    assert "TAIZHANG_DEBUG must be a boolean" in result.stderr
