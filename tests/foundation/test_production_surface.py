"""In production the API description and the admin are for signed-in staff only."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize("path", ["/api/docs", "/api/openapi.json"])
def test_api_description_is_for_signed_in_staff_in_production(world, settings, path):
    settings.DEBUG = False
    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert world.client_for("handler").get(path).status_code == 200


def test_api_description_is_open_in_development(db, settings):
    settings.DEBUG = True
    assert Client().get("/api/openapi.json").status_code == 200


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/", "/admin/org/user/"])
def test_the_admin_shows_anonymous_visitors_nothing_but_the_one_sign_in(db, settings, path):
    settings.DEBUG = False
    response = Client().get(path)
    assert response.status_code == 302
    target = Client().get(response["Location"]) if response["Location"].startswith("/admin/") else response
    assert target.status_code == 302 and target["Location"].startswith("/accounts/login/")
