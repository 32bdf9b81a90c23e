"""Sign-in and two-factor forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """Username and password, with Chinese labels."""

    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), strip=False, widget=forms.PasswordInput)
    error_messages = {
        "invalid_login": _("用户名或密码错误。"),
        "inactive": _("该账户已停用。"),
    }


class TokenForm(forms.Form):
    """A six-digit code from an authenticator app."""

    token = forms.RegexField(
        label=_("动态验证码"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("请输入6位数字验证码。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class EnrolmentCodeForm(forms.Form):
    """The one-time enrolment code an administrator handed over (letters and digits, dashes optional)."""

    code = forms.RegexField(
        label=_("登记码"),
        regex=r"^[A-Za-z0-9\- ]{16,24}$",
        max_length=24,
        error_messages={"invalid": _("登记码为16位字母和数字，可带短横线。")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
