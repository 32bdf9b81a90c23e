"""The public pages' work on the combined site: a report becomes a clue at once (portal.actions), as always.

The portal pages (portal.views) call this module or, on the internet portal site, gate.pages; both offer
submit / open_report / thread / add_message / close with the same meaning.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

from taizhang.portal import actions
from taizhang.portal.choices import Sender, public_status
from taizhang.portal.models import Message, Receipt
from taizhang.portal.uploads import CleanFile

SESSION_RECEIPT = "portal_receipt"
SESSION_SEEN = "portal_seen"


def submit(payload: dict[str, Any], chosen: str, attachments: list[CleanFile], nonce: str) -> tuple[str, str]:
    """Register the report and issue its receipt; (receipt code, passphrase) to show once."""
    passphrase, hashed = actions.prepare_passphrase(chosen)
    issued = actions.do_submit_report(
        actions.Submission.from_payload(payload),
        passphrase=passphrase,
        passphrase_hash=hashed,
        attachments=attachments,
        challenge_nonce=nonce,
    )
    return issued.code, issued.passphrase


def open_report(request: HttpRequest, code: str, passphrase: str) -> dict[str, str] | None:
    """Open the report in this browser session; cookies to set (none here), or None when code/passphrase fail."""
    receipt = actions.find_receipt(code, passphrase)
    if receipt is None:
        return None
    request.session.cycle_key()
    request.session[SESSION_RECEIPT] = receipt.pk
    request.session[SESSION_SEEN] = int(time.time())
    return {}


def _opened(request: HttpRequest) -> Receipt | None:
    receipt_id = request.session.get(SESSION_RECEIPT)
    seen = int(request.session.get(SESSION_SEEN) or 0)
    if not receipt_id or time.time() - seen > actions.opened_at_limit().total_seconds():
        request.session.pop(SESSION_RECEIPT, None)
        return None
    request.session[SESSION_SEEN] = int(time.time())
    return Receipt.objects.select_related("clue").filter(pk=receipt_id).first()


def thread(request: HttpRequest) -> dict[str, Any] | None:
    """The opened report's status, released wording and messages; None when nothing is open."""
    receipt = _opened(request)
    if receipt is None:
        return None
    clue = receipt.clue
    rows = Message.objects.filter(clue=clue).prefetch_related("files__attachment")
    return {
        "status": public_status(clue.status),
        "received_at": clue.received_at,
        "summary": clue.summary,
        "outcome": receipt.released_outcome,
        "messages": [
            {
                "sender": m.sender,
                "created_at": m.created_at,
                "body": m.body,
                "file_names": [f.attachment.original_name for f in m.files.all()],
            }
            for m in rows
        ],
        "reporter": Sender.REPORTER,
    }


def add_message(request: HttpRequest, body: str, attachments: list[CleanFile]) -> bool:
    """Add the reporter's message to the opened report; False when nothing is open."""
    receipt = _opened(request)
    if receipt is None:
        return False
    actions.do_add_reporter_message(receipt.pk, body=body, attachments=attachments)
    return True


def close(request: HttpRequest) -> None:
    request.session.pop(SESSION_RECEIPT, None)
    request.session.pop(SESSION_SEEN, None)
