"""A refused form keeps what was typed.

Most of the staff pages' small forms (a case's accountability record, a review's call-back, a list's progress…)
post to an action URL and go back to the page they sit on, with the refusal as a message. The redirect would
drop what the person typed; `refuse` therefore keeps the POST in the session under the form's action path, and
the next full page (base.html, through the context processor) hands it to `taizhang.js`, which fills the form
that posts to that path again and brings it into view. Pages that render the bound form themselves keep it the
same way (the values are the ones already shown).

Every refusal message of a view goes through `refuse` (tests/foundation/test_drafts.py fails on a
`messages.error` anywhere else), so no view can drop typed work by forgetting to keep it. Secrets (passwords,
passphrases, one-time codes, the CSRF token) are never kept; neither are files (a browser cannot refill them).
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

SESSION_KEY = "taizhang.kept_draft"
# What a session may carry: a long report body fits; a pasted book does not (then nothing is kept).
MAX_CHARS = 100_000
NOT_KEPT = re.compile(r"csrf|password|passphrase|otp|token|secret|pow_answer|challenge", re.IGNORECASE)


def refuse(request: HttpRequest, message: str, *, keep: bool = True) -> None:
    """Show `message` as the page's error and, for a POST, keep what was typed for the form to show again.

    `keep=False` where the typed values must not rest in a session (a citizen's anonymous answers)."""
    messages.error(request, message)
    if not keep or request.method != "POST" or not hasattr(request, "session"):
        return
    fields = [
        [name, value]
        for name, values in request.POST.lists()
        if not NOT_KEPT.search(name)
        for value in values
    ]
    if fields and sum(len(name) + len(value) for name, value in fields) <= MAX_CHARS:
        request.session[SESSION_KEY] = {"action": request.path, "fields": fields}


def take(request: HttpRequest) -> dict[str, Any] | None:
    """The kept draft, removed from the session (a page shows it once)."""
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return None
    draft: dict[str, Any] = session.pop(SESSION_KEY)
    return draft
