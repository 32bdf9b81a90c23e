"""Which people must pass TOTP two-factor sign-in (decided per role by an administrator)."""

from __future__ import annotations

from typing import Any


def requires_2fa(user: Any) -> bool:
    """True if any role the user holds requires two-factor sign-in."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_requires_2fa", None)
    if cached is None and hasattr(user, "role_codes"):
        user.role_codes()  # reads the roles with their two-factor flags once per request (org.User)
        cached = getattr(user, "_requires_2fa", None)
    if cached is None:
        cached = user.roles.filter(requires_2fa=True).exists()
        user._requires_2fa = cached
    return bool(cached)


def is_verified(user: Any) -> bool:
    """True when the session passed a second factor (django-otp sets user.is_verified)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())
