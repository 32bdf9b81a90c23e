"""Second-factor enrolment needs a one-time code another person issued; the admin has no sign-in of its own."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from taizhang.accounts.actions import do_issue_enrolment_code
from taizhang.accounts.models import ApiToken, EnrolmentCode
from taizhang.core import clock
from taizhang.core.actors import CLI
from taizhang.core.errors import PermissionRefused
from taizhang.core.models import AuditEntry
from taizhang.org.models import Role
from tests.reporters.helpers import verified_client

LOGIN = "/accounts/login/"
VERIFY = "/accounts/2fa/"
PASSWORD = "pw-for-tests-123"


@pytest.fixture(autouse=True)
def _no_otp_delay(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def custodian(world):
    Role.objects.filter(code="identity_custodian").update(requires_2fa=True)
    return world.people["custodian"]


def _signed_in(username: str) -> Client:
    client = Client()
    assert client.post(LOGIN, {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_a_password_alone_shows_no_secret_and_creates_no_device(custodian):
    client = _signed_in("custodian")
    page = client.get(VERIFY).content.decode()
    assert "登记码" in page and "扫描" not in page and "otpauth" not in page
    assert not TOTPDevice.objects.filter(user=custodian).exists()
    # And a made-up code does not get further.
    wrong = client.post(VERIFY, {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert "登记码不正确" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=custodian).exists()
    assert AuditEntry.objects.filter(
        action="auth.enrolment_code_refused", object_id=str(custodian.pk)
    ).exists()


def test_an_issued_code_enrols_once(world, custodian):
    code = do_issue_enrolment_code(custodian, actor=world.people["sysadmin"])
    issued = AuditEntry.objects.get(action="auth.enrolment_code_issued")
    assert issued.actor == world.people["sysadmin"] and issued.object_id == str(custodian.pk)
    client = _signed_in("custodian")
    assert client.post(VERIFY, {"code": code.lower().replace("-", "")}).status_code == 302
    page = client.get(VERIFY).content.decode()
    assert "扫描" in page
    device = TOTPDevice.objects.get(user=custodian, confirmed=False)
    assert client.post(VERIFY, {"token": f"{totp(device.bin_key):06d}"}).status_code == 302
    assert client.get("/").status_code == 200
    assert EnrolmentCode.objects.get(user=custodian).used_at is not None
    assert AuditEntry.objects.filter(action="auth.otp_enrolled", actor=custodian).exists()
    # Spent: a second person with the password and the same code cannot enrol another device.
    TOTPDevice.objects.filter(user=custodian).delete()
    other = _signed_in("custodian")
    assert "登记码不正确" in other.post(VERIFY, {"code": code}).content.decode()


def test_nobody_issues_a_code_for_themselves(world):
    with pytest.raises(PermissionRefused):
        do_issue_enrolment_code(world.people["sysadmin"], actor=world.people["sysadmin"])


def test_expired_and_voided_codes_are_refused(world, custodian):
    client = _signed_in("custodian")
    with clock.at(clock.now() - dt.timedelta(hours=settings.ENROLMENT_CODE_HOURS + 1)):
        expired = do_issue_enrolment_code(custodian, actor=CLI)
    assert "登记码不正确" in client.post(VERIFY, {"code": expired}).content.decode()
    voided = do_issue_enrolment_code(custodian, actor=CLI)
    do_issue_enrolment_code(custodian, actor=CLI)  # voids the one before
    assert "登记码不正确" in client.post(VERIFY, {"code": voided}).content.decode()


def test_wrong_codes_count_towards_the_lock(custodian):
    client = _signed_in("custodian")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(VERIFY, {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert client.post(VERIFY, {"code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 429


def test_the_console_issues_codes(custodian):
    out = StringIO()
    call_command("enrolment", "issue", "custodian", stdout=out)
    code = out.getvalue().strip()
    assert len(code.replace("-", "")) == 16
    assert EnrolmentCode.objects.filter(user=custodian, code_hash=EnrolmentCode.hash_code(code)).exists()


def test_the_admin_issues_codes_to_another_person(world, custodian):
    world.people["sysadmin"].is_superuser = True  # as the demo's and a real installation's administrator
    world.people["sysadmin"].save(update_fields=["is_superuser"])
    admin = verified_client(world.people["sysadmin"])
    response = admin.post(
        "/admin/org/user/",
        {"action": "issue_enrolment_code", "_selected_action": [custodian.pk]},
        follow=True,
    )
    assert "登记码" in response.content.decode()
    assert EnrolmentCode.objects.filter(user=custodian, issued_by=str(world.people["sysadmin"])).exists()


# The admin's own sign-in form was a second door: no lock-out, no failure record, no second factor.


def test_the_admin_sign_in_is_the_one_sign_in(world):
    response = Client().get("/admin/login/?next=/admin/org/user/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN) and "next=%2Fadmin%2Forg%2Fuser%2F" in response["Location"]
    posted = Client().post("/admin/login/", {"username": "sysadmin", "password": PASSWORD})
    assert posted.status_code == 302 and "_auth_user_id" not in posted.client.session
    assert Client().get("/admin/").status_code == 302


def test_a_locked_admin_stays_locked_at_the_admin(world):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "sysadmin", "password": "wrong-password"})
    client.post("/admin/login/", {"username": "sysadmin", "password": PASSWORD})
    assert client.get("/admin/").status_code == 302
    assert client.post(LOGIN, {"username": "sysadmin", "password": PASSWORD}).status_code == 429


def test_the_admin_waits_for_the_second_factor(world):
    Role.objects.filter(code="sysadmin").update(requires_2fa=True)
    client = _signed_in("sysadmin")
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


# Finding 11: what a password alone of a 2FA role cannot do.


def test_a_password_only_session_cannot_change_the_password(custodian):
    client = _signed_in("custodian")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "a-new-pass-2026!", "new_password2": "a-new-pass-2026!"},
    )
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    custodian.refresh_from_db()
    assert custodian.check_password(PASSWORD)


def test_a_token_needs_a_confirmed_device_for_a_2fa_role(custodian):
    _token, key = ApiToken.issue(custodian, "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert Client().get("/api/org/me", **auth).status_code == 401
    TOTPDevice.objects.create(user=custodian, name="phone", confirmed=True)
    assert Client().get("/api/org/me", **auth).status_code == 200


def test_the_console_refuses_a_token_before_enrolment(custodian):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("token", "issue", "custodian", stdout=StringIO())
