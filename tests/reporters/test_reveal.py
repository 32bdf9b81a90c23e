"""The sealed identity: only a custodian with a reason and a second factor opens it; every reveal is audited."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from taizhang.accounts.models import ApiToken
from taizhang.core.models import AuditEntry
from taizhang.org.choices import RoleCode
from taizhang.org.models import Role
from tests.conftest import PERSONAS
from tests.reporters.helpers import NAME, PHONE, portal_clue, verified_client

STAFF_WITHOUT_CUSTODY = [
    key for key, (_u, roles) in PERSONAS.items() if RoleCode.IDENTITY_CUSTODIAN not in roles
]


def _reveal(client, clue, reason="核实举报内容需要联系举报人"):
    return client.post(reverse("reporters:reveal", args=[clue.pk]), {"reason": reason})


def _api_reveal(client, clue, reason="核实举报内容需要联系举报人", **extra):
    return client.post(
        f"/api/reporters/clues/{clue.pk}/reveal",
        json.dumps({"reason": reason}),
        content_type="application/json",
        **extra,
    )


def test_staff_see_only_that_the_report_is_real_name(world):
    clue = portal_clue()
    page = world.client_for("office_staff").get(reverse("reporters:clue", args=[clue.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "实名举报（身份已加密）" in body
    assert NAME not in body and PHONE not in body and "查看举报人身份" not in body


def test_an_anonymous_report_shows_anonymous(world):
    clue = portal_clue(real_name=False)
    body = world.client_for("office_staff").get(reverse("reporters:clue", args=[clue.pk])).content.decode()
    assert "匿名" in body and "实名举报" not in body


def test_a_custodian_with_two_factor_and_a_reason_reveals_and_it_is_audited(world):
    clue = portal_clue()
    client = verified_client(world.people["custodian"])
    section = client.get(reverse("reporters:clue", args=[clue.pk])).content.decode()
    assert "查看举报人身份" in section and NAME not in section
    response = _reveal(client, clue)
    body = response.content.decode()
    assert response.status_code == 200 and NAME in body and PHONE in body
    assert response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get(action="reporter.reveal")
    assert entry.actor == world.people["custodian"] and entry.reason == "核实举报内容需要联系举报人"
    assert (entry.object_type, entry.object_id) == ("clues.clue", str(clue.pk))  # on the clue's timeline
    row = json.dumps([entry.before, entry.after, entry.reason, entry.object_repr], ensure_ascii=False)
    assert NAME not in row and PHONE not in row


def test_each_reveal_is_audited(world):
    clue = portal_clue()
    client = verified_client(world.people["custodian"])
    _reveal(client, clue)
    _reveal(client, clue, reason="第二次核实需要")
    assert list(AuditEntry.objects.filter(action="reporter.reveal").values_list("reason", flat=True)) == [
        "核实举报内容需要联系举报人",
        "第二次核实需要",
    ]


def test_a_reason_is_required(world):
    clue = portal_clue()
    response = _reveal(verified_client(world.people["custodian"]), clue, reason="  ")
    assert response.status_code == 302 and not AuditEntry.objects.filter(action="reporter.reveal").exists()


def test_a_custodian_without_the_second_factor_cannot_reveal(world):
    clue = portal_clue()
    client = world.client_for("custodian")  # the role requires 2FA: the middleware holds them at the door
    response = _reveal(client, clue)
    assert response.status_code == 302 and reverse("accounts:otp_verify") in response["Location"]
    assert NAME not in response.content.decode()


def test_the_action_itself_requires_the_second_factor(world):
    from taizhang.core.errors import PermissionRefused
    from taizhang.reporters.actions import do_reveal_identity

    clue = portal_clue()
    with pytest.raises(PermissionRefused):
        do_reveal_identity(
            clue.pk, actor=world.people["custodian"], reason="需要联系举报人", second_factor=False
        )
    assert AuditEntry.objects.filter(action="reporter.reveal_refused").count() == 1
    assert not AuditEntry.objects.filter(action="reporter.reveal").exists()


def test_when_the_role_does_not_require_2fa_a_reason_suffices(world):
    Role.objects.filter(code=RoleCode.IDENTITY_CUSTODIAN).update(requires_2fa=False)
    clue = portal_clue()
    response = _reveal(world.client_for("custodian"), clue)
    assert response.status_code == 200 and NAME in response.content.decode()


@pytest.mark.parametrize("persona", STAFF_WITHOUT_CUSTODY)
def test_no_one_else_reveals_through_the_page(world, persona):
    clue = portal_clue()
    user = world.people[persona]
    client = verified_client(user)
    response = _reveal(client, clue)
    assert response.status_code in (302, 404)
    assert NAME not in response.content.decode()
    if response.status_code == 302:
        assert NAME not in client.get(response["Location"]).content.decode()
    assert not AuditEntry.objects.filter(action="reporter.reveal").exists()


@pytest.mark.parametrize("persona", STAFF_WITHOUT_CUSTODY)
def test_no_one_else_reveals_through_the_api(world, persona):
    clue = portal_clue()
    response = _api_reveal(verified_client(world.people[persona]), clue)
    assert response.status_code in (403, 404)
    assert NAME not in response.content.decode()


@pytest.mark.parametrize("persona", STAFF_WITHOUT_CUSTODY)
def test_no_other_page_shows_the_identity(world, persona):
    clue = portal_clue()
    client = verified_client(world.people[persona])
    for url in (reverse("reporters:clue", args=[clue.pk]), "/", f"/api/reporters/clues/{clue.pk}/messages"):
        body = client.get(url).content.decode()
        assert NAME not in body and PHONE not in body


def test_a_custodian_in_another_office_tree_gets_not_found(world):
    from tests.factories import UserFactory

    outsider = UserFactory(
        username="district_custodian",
        unit=world.units["district"],
        role_codes=[RoleCode.IDENTITY_CUSTODIAN, RoleCode.OFFICE_STAFF],
    )
    clue = portal_clue()  # registered at the city office; the district office does not see it
    assert _reveal(verified_client(outsider), clue).status_code == 404


def test_an_api_token_never_counts_as_a_second_factor(world):
    clue = portal_clue()
    _token, key = ApiToken.issue(world.people["custodian"], "script")
    # Before an authenticator is enrolled the token does not even sign in (#16 finding 11) ...
    response = _api_reveal(Client(), clue, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401 and NAME not in response.content.decode()
    # ... and after, it still is no second factor.
    TOTPDevice.objects.create(user=world.people["custodian"], name="phone", confirmed=True)
    response = _api_reveal(Client(), clue, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 403 and NAME not in response.content.decode()


def test_the_api_reveals_for_a_verified_custodian(world):
    clue = portal_clue()
    response = _api_reveal(verified_client(world.people["custodian"]), clue)
    assert response.status_code == 200 and response.json()["identity"]["name"] == NAME
    assert AuditEntry.objects.filter(action="reporter.reveal").count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(world):
    clue = portal_clue()
    response = _reveal(Client(), clue)
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert _api_reveal(Client(), clue).status_code == 401
