"""Sign-in: password check, lock-out after repeated failures, 2FA enforcement per role, session expiry."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from taizhang.accounts.actions import do_issue_enrolment_code
from taizhang.core.models import AuditEntry
from taizhang.org.models import Role

LOGIN = "/accounts/login/"


def _login(client, username, password="pw-for-tests-123"):
    return client.post(LOGIN, {"username": username, "password": password})


def test_it_signs_in_and_greets_with_unit_and_role(world):
    client = Client()
    response = _login(client, "liaison")
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "测试市交通运输局" in page and "联络员" in page
    assert AuditEntry.objects.filter(action="auth.login", actor=world.people["liaison"]).exists()


def test_anonymous_is_sent_to_sign_in(world):
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_wrong_password_is_refused(world):
    response = _login(Client(), "liaison", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_repeated_failures_lock_the_account_even_for_the_right_password(world):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _login(client, "liaison", "wrong-password")
    response = _login(client, "liaison")
    assert response.status_code == 429
    assert "临时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_expires(world, settings):
    settings.LOGIN_LOCK_SECONDS = 0
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _login(client, "liaison", "wrong-password")
    assert _login(client, "liaison").status_code == 302


def test_role_requiring_2fa_is_held_at_the_second_factor(world):
    Role.objects.filter(code="liaison").update(requires_2fa=True)
    client = Client()
    response = _login(client, "liaison")
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    blocked = client.get("/")
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("accounts:otp_verify"))
    api = client.get("/api/org/me")
    assert api.status_code in (401, 403)


def test_passing_totp_opens_the_system(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp delays retries after a failure; not under test here
    Role.objects.filter(code="liaison").update(requires_2fa=True)
    code = do_issue_enrolment_code(world.people["liaison"], actor=world.people["sysadmin"])
    client = Client()
    _login(client, "liaison")
    client.post(reverse("accounts:otp_verify"), {"code": code})
    page = client.get(reverse("accounts:otp_verify"))
    assert "扫描" in page.content.decode()  # enrolment
    device = TOTPDevice.objects.get(user=world.people["liaison"])
    bad = client.post(
        reverse("accounts:otp_verify"), {"token": "000000" if totp(device.bin_key) != 0 else "111111"}
    )
    assert bad.status_code == 200
    response = client.post(reverse("accounts:otp_verify"), {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_role_without_2fa_is_not_asked(world):
    client = Client()
    assert _login(client, "handler")["Location"] == "/"


@pytest.mark.parametrize("age", [settings.SESSION_COOKIE_AGE])
def test_sessions_expire_when_idle_and_at_browser_close(age):
    assert 0 < age <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_logout_is_post_only(world):
    client = world.client_for("handler")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302
