"""The type of whoever takes an action: a signed-in person, or a system actor (core/actors.py).

`Actor` is what an action accepts when trusted in-process callers (the ferry, the worker, the demo) take it
too; an action only people take says `actor: User`. Permission predicates are also asked about the visitor of
a page before sign-in, so they take `ActorOrAnonymous` (the anonymous visitor has no scope and is refused).
A view hands the signed-in person to an action with `acting(request)`.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from taizhang.core.actors import SystemActor
from taizhang.core.errors import PermissionRefused
from taizhang.org.models import User

Actor: TypeAlias = User | SystemActor
ActorOrAnonymous: TypeAlias = User | SystemActor | AnonymousUser


def acting(request: HttpRequest) -> User:
    """The signed-in person a view or API call acts as (every route that acts requires sign-in)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionRefused()
    return user


def person_of(actor: Actor) -> User | None:
    """The person behind an action, for its `…_by` column: None when a system actor took it."""
    return actor if isinstance(actor, User) else None
