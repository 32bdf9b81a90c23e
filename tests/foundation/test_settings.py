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


def test_simplified_chinese_whatever_the_browser_says(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "工作人员登录" in response.content.decode()


def test_chosen_language_is_kept(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    response = client.get("/accounts/login/")
    assert response["Content-Language"] == "zh-hant"
    assert "工作人員登錄" in response.content.decode()  # mainland Traditional (OpenCC s2t), not Taiwan's 登入


def test_static_files_are_served(client, db):
    assert client.get("/static/vendor/bootstrap-5.3.3/bootstrap.min.css").status_code == 200


def test_a_nul_character_is_refused_clearly(client, db):
    response = client.get("/api/clues/", {"q": "a\x00b"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
