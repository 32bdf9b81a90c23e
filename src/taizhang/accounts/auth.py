"""Authentication for the JSON API: a bearer token, or the browser session (with CSRF)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from taizhang.accounts.actions import has_confirmed_device
from taizhang.accounts.models import ApiToken
from taizhang.accounts.twofactor import is_verified, requires_2fa

LAST_USED_PRECISION = dt.timedelta(seconds=60)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer tz_...` issued to a staff member."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # At most one row (the hash is unique): sliced rather than .first(), which would add an ORDER BY.
        rows = ApiToken.objects.select_related("user", "user__unit", "user__unit__parent").filter(
            key_hash=ApiToken.hash_key(token), revoked=False, user__is_active=True
        )[:1]
        row = next(iter(rows), None)
        if row is None:
            return None
        # A token stands in for the whole sign-in, so a person whose role requires a second factor gets no
        # working token before that second factor is enrolled.
        if requires_2fa(row.user) and not has_confirmed_device(row.user):
            return None
        now = timezone.now()
        # "Last used" to the minute is all an administrator reads; writing it on every call would turn each
        # API read into a write.
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (CSRF-checked by ninja); refused until a required second factor passes."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if requires_2fa(user) and not is_verified(user):
            return None
        return user


staff_auth = [TokenAuth(), SessionAuth()]
