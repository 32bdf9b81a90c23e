"""Sign-in, sign-out, password change and TOTP two-factor views."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from taizhang.accounts import throttle
from taizhang.accounts.actions import do_enrol_device, find_enrolment_code
from taizhang.accounts.forms import EnrolmentCodeForm, SignInForm, TokenForm
from taizhang.accounts.twofactor import requires_2fa
from taizhang.core import audit
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def sign_in(request: HttpRequest) -> HttpResponse:
    """Password sign-in with lock-out after repeated failures (also the admin's sign-in, see taizhang.urls)."""
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST":
        username = request.POST.get("username", "")[:150]
        # Counted before the password is looked at, so parallel guesses cannot all slip under the limit.
        if throttle.reserve_attempt(username) is None:
            refuse(
                request,
                _("登录失败次数过多，账户已临时锁定，请%(minutes)s分钟后再试。")
                % {"minutes": throttle.lock_minutes()},
                keep=False,  # the form is shown again with the name; nothing to keep, no session to open
            )
            audit.record(
                "auth.login_refused_locked", claimed_by=username, object_type="auth", object_id=username
            )
            again = SignInForm(request, initial={"username": username})
            return render(
                request, "accounts/login.html", {"form": again, "next": _safe_next(request)}, status=429
            )
        if form.is_valid():
            user = form.get_user()
            throttle.clear_failures(username)
            login(request, user)
            audit.record("auth.login", actor=user, obj=user)
            if requires_2fa(user):
                return redirect(f"{reverse_lazy('accounts:otp_verify')}?next={_safe_next(request)}")
            return redirect(_safe_next(request))
        audit.record("auth.login_failed", claimed_by=username, object_type="auth", object_id=username)
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record("auth.logout", actor=request.user, obj=request.user)
    logout(request)
    return redirect("accounts:login")


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password change, audited."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        person = form.user  # the signed-in person whose password the form changed
        audit.record("auth.password_changed", actor=person, obj=person)
        messages.success(self.request, _("密码已修改。"))
        return response


def _qr_data_uri(device: TOTPDevice) -> str:
    import segno  # loaded by an enrolment, not by every server process

    svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


_ENROL_SESSION_KEY = "accounts.enrolment_code_id"


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the TOTP code. A person with no confirmed device first gives the one-time enrolment code an
    administrator issued (a password alone never enrols a device), then scans the new secret and confirms it."""
    user: Any = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        code_id = request.session.get(_ENROL_SESSION_KEY)
        if code_id is None:
            return _ask_enrolment_code(request, user)
        return _enrol_device(request, user, int(code_id))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            audit.record("auth.otp_verified", actor=user, obj=user)
            return redirect(_safe_next(request))
        audit.record("auth.otp_failed", actor=user, obj=user)
        form.add_error("token", _("验证码不正确或已过期。"))
    return render(
        request, "accounts/otp_verify.html", {"form": form, "stage": "verify", "next": _safe_next(request)}
    )


def _ask_enrolment_code(request: HttpRequest, user: Any) -> HttpResponse:
    form = EnrolmentCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        # Wrong codes count against the same lock as wrong passwords.
        attempt = throttle.reserve_attempt(user.get_username())
        if attempt is None:
            form.add_error(
                "code",
                _("尝试次数过多，账户已临时锁定，请%(minutes)s分钟后再试。")
                % {"minutes": throttle.lock_minutes()},
            )
            status = 429
        else:
            row = find_enrolment_code(user, form.cleaned_data["code"])
            if row is not None:
                throttle.forget(attempt)
                # A fresh secret for this enrolment; one left over from an abandoned attempt is dropped.
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                TOTPDevice.objects.create(user=user, name=_("身份验证器"), confirmed=False)
                request.session[_ENROL_SESSION_KEY] = row.pk
                return redirect(request.get_full_path())
            form.add_error("code", _("登记码不正确、已使用或已过期。"))
    context = {"form": form, "stage": "code", "next": _safe_next(request)}
    return render(request, "accounts/otp_verify.html", context, status=status)


def _enrol_device(request: HttpRequest, user: Any, code_id: int) -> HttpResponse:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        request.session.pop(_ENROL_SESSION_KEY, None)
        return redirect(request.get_full_path())
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolled = do_enrol_device(user, code_id, device, form.cleaned_data["token"])
        except ActionError as exc:
            request.session.pop(_ENROL_SESSION_KEY, None)
            refuse(request, exc.message, keep=False)
            return redirect(request.get_full_path())
        if enrolled:
            request.session.pop(_ENROL_SESSION_KEY, None)
            otp_login(request, device)
            audit.record("auth.otp_verified", actor=user, obj=user)
            return redirect(_safe_next(request))
        audit.record("auth.otp_failed", actor=user, obj=user)
        form.add_error("token", _("验证码不正确或已过期。"))
    context = {
        "form": form,
        "stage": "enrol",
        "next": _safe_next(request),
        "qr": _qr_data_uri(device),
        "secret": base64.b32encode(device.bin_key).decode(),
    }
    return render(request, "accounts/otp_verify.html", context)
