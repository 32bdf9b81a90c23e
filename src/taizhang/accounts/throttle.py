"""Login throttling: after N failures within the lock window, an account refuses sign-in until it passes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from taizhang.accounts.models import SignInFailure


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_LOCK_SECONDS)


def is_locked(username: str) -> bool:
    """True while the username has reached the failure limit inside the lock window."""
    key = username.strip().lower()
    recent = SignInFailure.objects.filter(username=key, at__gte=_window_start()).count()
    return recent >= settings.LOGIN_FAILURE_LIMIT


def note_failure(username: str) -> None:
    SignInFailure.objects.create(username=username.strip().lower()[:150], at=timezone.now())


def clear_failures(username: str) -> None:
    SignInFailure.objects.filter(username=username.strip().lower()).delete()


def lock_minutes() -> int:
    return max(1, settings.LOGIN_LOCK_SECONDS // 60)
