"""The public notification API other apps use: `notify(users, title=..., body=..., url=..., key=...)`.

Idempotent by key: one notification per (person, key), so a retried action or a second worker never notifies
anyone twice. Email goes out through the worker (at once, or in the person's daily digest).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.utils import timezone

from taizhang.supervision.choices import EmailState
from taizhang.supervision.models import Notification

MAX_KEY = 200


def _email_state(user: Any) -> str:
    if not getattr(user, "email", ""):
        return EmailState.NONE
    return EmailState.DIGEST if getattr(user, "wants_daily_digest", False) else EmailState.PENDING


def notify(
    users: Iterable[Any],
    *,
    title: str,
    body: str = "",
    url: str = "",
    key: str,
    now: Any = None,
    about: Any = None,
) -> int:
    """Put a message in each person's inbox (and email queue) unless they already have one with this key.

    `about` is the record the message concerns (a clue, a task...): only the people the visibility rule lets
    see it are told, and the inbox asks the rule again when the message is shown. Returns the number of people
    newly notified.
    """
    people = {u.pk: u for u in users if u is not None and getattr(u, "is_active", True)}
    target_type_id = None
    if about is not None:
        from taizhang.supervision.audience import audience, content_type_id

        allowed = set(audience(type(about), about.pk, people))
        people = {pk: u for pk, u in people.items() if pk in allowed}
        target_type_id = content_type_id(type(about))
    if not people:
        return 0
    key = key[:MAX_KEY]
    existing = set(Notification.objects.filter(key=key, user_id__in=people).values_list("user_id", flat=True))
    when = now or timezone.now()
    rows = [
        Notification(
            user_id=pk,
            key=key,
            title=str(title)[:200],
            body=str(body),
            url=url[:300],
            target_type_id=target_type_id,
            target_id=about.pk if about is not None else None,
            created_at=when,
            email_state=_email_state(user),
        )
        for pk, user in people.items()
        if pk not in existing
    ]
    # ignore_conflicts: a concurrent sender with the same key may insert between the check and here.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def notify_rows(rows: list[Notification]) -> None:
    """Insert prepared notifications in bulk, skipping any (person, key) that already exists (worker path)."""
    if rows:
        Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def unread_count(user: Any) -> int:
    """How many unread notifications the person has (the header badge)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    # On every page (the header badge): one plain statement, not a queryset compiled on each request.
    sql = f"SELECT COUNT(*) FROM {Notification._meta.db_table} WHERE user_id = %s AND read_at IS NULL"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        return int(cursor.fetchone()[0])
