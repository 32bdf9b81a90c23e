"""Login throttling: after N failures within the lock window, an account refuses sign-in until it passes.

Counting and refusing are one step: an attempt is written down *before* its password is checked, and it is
checked only if, counting itself and everything already written, the account is still under the limit. The
write commits on its own (the sign-in view runs in autocommit), so of any number of parallel guesses the k-th to
be written sees at least k rows: at most LOGIN_FAILURE_LIMIT of them are ever evaluated. Checking first and
writing the failure afterwards (as before) let every parallel guess pass the check.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from taizhang.accounts.models import SignInFailure


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_LOCK_SECONDS)


def _recent(key: str) -> int:
    return SignInFailure.objects.filter(username=key, at__gte=_window_start()).count()


def is_locked(username: str) -> bool:
    """True while the username has reached the failure limit inside the lock window."""
    return _recent(_key(username)) >= settings.LOGIN_FAILURE_LIMIT


def reserve_attempt(username: str) -> SignInFailure | None:
    """Write this attempt down as a failure, then count: the row when the attempt may be evaluated, None when
    the account is locked. A successful attempt calls `clear_failures` (or `forget`), a failed one leaves it."""
    key = _key(username)
    # Committed before counting: the view runs in autocommit (no ATOMIC_REQUESTS), so parallel attempts see
    # each other's rows.
    row = SignInFailure.objects.create(username=key, at=timezone.now())
    if _recent(key) > settings.LOGIN_FAILURE_LIMIT:
        return None
    return row


def forget(row: SignInFailure) -> None:
    """The attempt succeeded: it is not a failure."""
    SignInFailure.objects.filter(pk=row.pk).delete()


def note_failure(username: str) -> None:
    SignInFailure.objects.create(username=_key(username), at=timezone.now())


def clear_failures(username: str) -> None:
    SignInFailure.objects.filter(username=_key(username)).delete()


def lock_minutes() -> int:
    return max(1, settings.LOGIN_LOCK_SECONDS // 60)
