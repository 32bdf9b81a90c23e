"""Staff API about a clue's reporter: reveal (custodian with a second factor and a reason), reply, feedback.

The public portal has no JSON API: its few pages are server-rendered forms, and an API would only add a
second surface to guard (rate limits, proof-of-work, CSRF) without serving anyone.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from taizhang.clues.models import Clue
from taizhang.core import audit
from taizhang.core.errors import PermissionRefused
from taizhang.org.actors import acting
from taizhang.portal.models import Message
from taizhang.reporters import actions
from taizhang.reporters import permissions as perm
from taizhang.reporters.choices import FeedbackStatus

router = Router(tags=["reporters"])


class RevealIn(Schema):
    reason: str


class RevealOut(Schema):
    identity: dict[str, str]


class ReplyIn(Schema):
    body: str


class MessageOut(Schema):
    id: int
    sender: str
    body: str
    created_at: dt.datetime
    read: bool


class FeedbackIn(Schema):
    method: str = ""
    note: str = ""
    status: str = FeedbackStatus.GIVEN
    version: int | None = None


class FeedbackOut(Schema):
    status: str
    method: str
    note: str
    version: int


class OutcomeIn(Schema):
    text: str


@router.post("/clues/{clue_id}/reveal", response=RevealOut)
def reveal(request: HttpRequest, clue_id: int, payload: RevealIn) -> dict:
    """Open the sealed identity: identity custodians only, with a reason, in a session that passed 2FA."""
    identity = actions.do_reveal_identity(
        clue_id,
        actor=acting(request),
        reason=payload.reason,
        second_factor=perm.has_second_factor(request.user),
    )
    return {"identity": identity}


@router.get("/clues/{clue_id}/messages", response=list[MessageOut])
def messages(request: HttpRequest, clue_id: int) -> list[dict]:
    """The thread with the reporter (office staff managing the clue)."""
    clue = get_object_or_404(Clue.objects.visible_to(request.user), pk=clue_id)
    if not perm.can_talk_to_reporter(request.user, clue):
        raise PermissionRefused()
    audit.record("reporter.thread_read", actor=request.user, obj=clue)
    return [
        {"id": m.pk, "sender": m.sender, "body": m.body, "created_at": m.created_at, "read": bool(m.read_at)}
        for m in Message.objects.filter(clue=clue)
    ]


@router.post("/clues/{clue_id}/reply", response=MessageOut)
def reply(request: HttpRequest, clue_id: int, payload: ReplyIn) -> dict:
    """Reply to the reporter."""
    m = actions.do_reply_to_reporter(clue_id, actor=acting(request), body=payload.body)
    return {"id": m.pk, "sender": m.sender, "body": m.body, "created_at": m.created_at, "read": False}


@router.post("/clues/{clue_id}/outcome")
def outcome(request: HttpRequest, clue_id: int, payload: OutcomeIn) -> dict:
    """Set the outcome wording released to the reporter."""
    receipt = actions.do_release_outcome(clue_id, actor=acting(request), text=payload.text)
    return {"released_outcome": receipt.released_outcome}


@router.post("/clues/{clue_id}/feedback", response=FeedbackOut)
def feedback(request: HttpRequest, clue_id: int, payload: FeedbackIn) -> dict:
    """Record how feedback was given to a real-name reporter."""
    record = actions.do_record_feedback(
        clue_id,
        actor=acting(request),
        method=payload.method,
        note=payload.note,
        status=payload.status,
        version=payload.version,
    )
    return {"status": record.status, "method": record.method, "note": record.note, "version": record.version}
