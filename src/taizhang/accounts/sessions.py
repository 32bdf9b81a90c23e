"""Database sessions that refresh an unchanged session's idle expiry at most once a minute.

SESSION_SAVE_EVERY_REQUEST keeps a session alive while its person works (it ends after two idle hours). Saved
literally, that is a transaction and an UPDATE on every page and every htmx call. Skipping the write while the
stored expiry is less than a minute behind changes nothing a person notices: an idle session ends at most a
minute earlier than two hours, never later. A session whose data changed is saved at once, as before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sessions.backends import db

REFRESH_AFTER = dt.timedelta(seconds=60)


class SessionStore(db.SessionStore):
    """Django's database session store, with the idle refresh written at most once per REFRESH_AFTER."""

    _stored_expiry: dt.datetime | None = None

    def load(self) -> dict[str, Any]:
        row = self._get_session_from_db()  # type: ignore[attr-defined]
        self._stored_expiry = row.expire_date if row else None
        return self.decode(row.session_data) if row else {}

    def save(self, must_create: bool = False) -> None:
        if (
            not must_create
            and not self.modified
            and self.session_key is not None
            and self._stored_expiry is not None
            and self.get_expiry_date() - self._stored_expiry < REFRESH_AFTER
        ):
            return
        super().save(must_create=must_create)
        self._stored_expiry = self.get_expiry_date()
