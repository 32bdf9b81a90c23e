"""Keeps a person whose role requires two-factor sign-in out of everything until they pass it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from taizhang.accounts.twofactor import is_verified, requires_2fa

# Only what a person needs to reach the second factor is open before it: not the password change, not the
# admin, not the API. Everything else waits for the second factor.
_OPEN_PREFIXES = ("/accounts/login/", "/accounts/logout/", "/accounts/2fa/", "/static/", "/report/", "/i18n/")


class TwoFactorRequiredMiddleware:
    """Redirect (pages) or refuse with 403 (API) until the second factor is passed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and requires_2fa(user)
            and not is_verified(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "code": "second_factor_required",
                        "message": _("您的角色要求双因素认证，请先完成验证。"),
                    },
                    status=403,
                )
            return redirect(reverse("accounts:otp_verify") + "?next=" + request.get_full_path())
        return self.get_response(request)
