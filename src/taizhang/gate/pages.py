"""The public pages' work on the internet portal site (the counterpart of portal.combined).

An opened report needs the reporter's secret key to be read. It is never stored on the server: after
receipt + passphrase unwrap it, it travels back to the browser in an HttpOnly, SameSite=Strict session cookie
and is used in memory on each request; the session row only names which report is open.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey

from taizhang.gate import actions, sealing
from taizhang.gate.models import SealedReport, ThreadMessage
from taizhang.portal.choices import PublicStatus, Sender
from taizhang.portal.uploads import CleanFile

SESSION_REPORT = "portal_report"
SESSION_SEEN = "portal_seen"
KEY_COOKIE = "portal_key"
IDLE_SECONDS = 1800


def submit(payload: dict[str, Any], chosen: str, attachments: list[CleanFile], nonce: str) -> tuple[str, str]:
    """Seal and keep the report; (receipt code, passphrase) to show once."""
    issued = actions.do_submit_sealed(
        payload, chosen_passphrase=chosen, attachments=attachments, challenge_nonce=nonce
    )
    return issued.code, issued.passphrase


def open_report(request: HttpRequest, code: str, passphrase: str) -> dict[str, str] | None:
    """Open the report: the session names it, the cookie returned carries the reporter's secret key."""
    found = actions.find_sealed(code, passphrase)
    if found is None:
        return None
    report, secret = found
    request.session.cycle_key()
    request.session[SESSION_REPORT] = report.pk
    request.session[SESSION_SEEN] = int(time.time())
    return {KEY_COOKIE: bytes(secret).hex()}


def _opened(request: HttpRequest) -> tuple[SealedReport, PrivateKey] | None:
    report_id = request.session.get(SESSION_REPORT)
    seen = int(request.session.get(SESSION_SEEN) or 0)
    if not report_id or time.time() - seen > IDLE_SECONDS:
        request.session.pop(SESSION_REPORT, None)
        return None
    report = SealedReport.objects.filter(pk=report_id).first()
    try:
        secret = PrivateKey(bytes.fromhex(request.COOKIES.get(KEY_COOKIE, "")))
    except (ValueError, TypeError):
        return None
    if report is None or bytes(secret.public_key).hex() != report.reporter_public:
        return None
    request.session[SESSION_SEEN] = int(time.time())
    return report, secret


def _when(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def thread(request: HttpRequest) -> dict[str, Any] | None:
    """The opened report, decrypted in memory with the reporter's key: status, released wording, messages."""
    opened = _opened(request)
    if opened is None:
        return None
    report, secret = opened
    try:
        own = sealing.open_json(secret, report.own_copy)
        state = sealing.open_json(secret, report.status_sealed) if report.status_sealed else {}
        rows = [
            (m.sender, sealing.open_json(secret, m.for_reporter))
            for m in ThreadMessage.objects.filter(report=report)
        ]
    except (CryptoError, ValueError):
        return None
    if state.get("status") in PublicStatus.values:
        status: Any = PublicStatus(state["status"])
    else:
        status = {"value": "submitted", "label": _("已提交，等待受理")}
    return {
        "status": status,
        "received_at": _when(own.get("received_at", "")),
        "summary": own.get("form", {}).get("summary", ""),
        "outcome": state.get("outcome", ""),
        "feedback_at": _when(state.get("feedback_at", "")),
        "messages": [
            {
                "sender": Sender.REPORTER if sender == actions.REPORTER else Sender.OFFICE,
                "created_at": _when(body.get("created_at", "")),
                "body": body.get("body", ""),
                "file_names": body.get("file_names", []),
            }
            for sender, body in rows
        ],
        "reporter": Sender.REPORTER,
    }


def add_message(request: HttpRequest, body: str, attachments: list[CleanFile]) -> bool:
    opened = _opened(request)
    if opened is None:
        return False
    actions.do_add_sealed_message(opened[0].pk, body=body, attachments=attachments)
    return True


def close(request: HttpRequest) -> None:
    request.session.pop(SESSION_REPORT, None)
    request.session.pop(SESSION_SEEN, None)
