"""Sign-in failures (for throttling) and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignInFailure(models.Model):
    """One failed sign-in, kept so repeated failures lock the account for a while."""

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        indexes = [models.Index(fields=["username", "at"], name="signin_fail_user_at")]

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: object, name: str) -> tuple[ApiToken, str]:
        """Create a token; the plain key is returned once and never stored."""
        key = "tz_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=cls.hash_key(key), prefix=key[3:11])
        return token, key


class EnrolmentCode(models.Model):
    """A one-time code an administrator issues so one person can enrol a second-factor device; hash only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolment_codes",
        verbose_name=_("人员"),
    )
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.CharField(_("签发人"), max_length=150)
    issued_at = models.DateTimeField(_("签发时间"))
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    revoked = models.BooleanField(_("已作废"), default=False)

    class Meta:
        verbose_name = _("双因素登记码")
        verbose_name_plural = _("双因素登记码")

    def __str__(self) -> str:
        return f"{self.user} {self.issued_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def hash_code(code: str) -> str:
        """Codes are compared case- and separator-insensitively, so a person can type them as they read them."""
        normal = "".join(ch for ch in code.upper() if ch.isalnum())
        return hashlib.sha256(("enrol|" + normal).encode()).hexdigest()
