"""Reads stay reads: an unchanged session refreshes its idle expiry at most once a minute, a token its
"last used" time likewise; a changed session is saved at once, and an idle one still ends."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from taizhang.accounts.models import ApiToken
from taizhang.accounts.sessions import REFRESH_AFTER


def _row(client):
    return Session.objects.get(session_key=client.session.session_key)


def _age(client, by):
    """Move the stored expiry back, as if the last refresh happened `by` ago."""
    row = _row(client)
    Session.objects.filter(pk=row.pk).update(expire_date=row.expire_date - by)
    return row.expire_date - by


def test_an_unchanged_session_is_not_rewritten_within_a_minute(world):
    client = world.client_for("liaison")
    client.get("/org/units/")
    stored = _age(client, dt.timedelta(seconds=5))
    client.get("/org/units/")
    assert _row(client).expire_date == stored


def test_the_idle_expiry_moves_once_the_minute_has_passed(world):
    client = world.client_for("liaison")
    stored = _age(client, REFRESH_AFTER + dt.timedelta(seconds=1))
    client.get("/org/units/")
    moved = _row(client).expire_date
    assert moved > stored
    assert moved >= timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE) - REFRESH_AFTER


def test_a_changed_session_is_saved_at_once(world):
    client = world.client_for("liaison")
    session = client.session
    session["marker"] = "x"
    session.save()
    assert Session.objects.get(session_key=session.session_key).get_decoded()["marker"] == "x"


def test_an_idle_session_still_ends(world):
    client = world.client_for("liaison")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get("/org/units/").status_code == 302


def test_a_login_creates_a_session_row(world):
    client = Client()
    response = client.post("/accounts/login/", {"username": "liaison", "password": "pw-for-tests-123"})
    assert response.status_code == 302
    assert _row(client).get_decoded()["_auth_user_id"] == str(world.people["liaison"].pk)


@pytest.mark.parametrize(
    ("ago", "written"), [(dt.timedelta(seconds=5), False), (dt.timedelta(minutes=2), True)]
)
def test_token_last_used_is_written_at_most_once_a_minute(world, ago, written):
    token, key = ApiToken.issue(world.people["liaison"], "t")
    before = timezone.now() - ago
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=before)
    assert Client().get("/api/org/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    token.refresh_from_db()
    assert (token.last_used_at != before) is written


def test_a_token_never_used_records_its_first_use(world):
    token, key = ApiToken.issue(world.people["liaison"], "t")
    assert Client().get("/api/org/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
