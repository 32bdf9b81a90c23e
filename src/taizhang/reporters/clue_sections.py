"""The reporter section of the clue detail page (rendered by the ledger through core.discovery.clue_sections)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from taizhang.clues.choices import ReporterKind
from taizhang.clues.models import Clue, Reporter
from taizhang.portal.choices import Sender, public_status
from taizhang.portal.models import Message, Receipt
from taizhang.reporters import permissions as perm
from taizhang.reporters.choices import FeedbackMethod, FeedbackStatus
from taizhang.reporters.models import FeedbackRecord


def reporter_label(reporter: Reporter | None) -> str:
    """What every viewer of the clue sees about its reporter: never more than the kind."""
    if reporter is not None and reporter.kind == ReporterKind.REAL_NAME:
        return _("实名举报（身份已加密）")
    return _("匿名")


def sections(request: Any, clue: Clue) -> list[dict[str, Any]]:
    """One section: the reporter's kind for all; reveal for custodians; thread, outcome and feedback for the office."""
    user = request.user
    # The ledger's detail view loads the reporter with the clue; other callers may not have.
    cached = Clue.reporter.is_cached(clue)
    reporter = getattr(clue, "reporter", None) if cached else Reporter.objects.filter(clue=clue).first()
    can_talk = perm.can_talk_to_reporter(user, clue)
    receipt = Receipt.objects.filter(clue=clue).first() if can_talk else None
    can_reveal = bool(
        reporter
        and reporter.sealed_identity
        and reporter.kind == ReporterKind.REAL_NAME
        and perm.is_custodian(user)
    )
    section: dict[str, Any] = {
        "template": "reporters/_clue_section.html",
        "title": _("举报人"),
        "clue_id": clue.pk,
        "label": reporter_label(reporter),
        "is_real_name": bool(reporter and reporter.kind == ReporterKind.REAL_NAME),
        "wants_feedback": bool(reporter and reporter.wants_feedback),
        "can_reveal": can_reveal,
        # Only read (one query) where the reveal form would show.
        "needs_2fa": can_reveal and perm.custodian_needs_2fa() and not perm.has_second_factor(user),
        "can_talk": can_talk,
        "receipt": receipt,
        "public_status": public_status(clue.status).label if receipt else "",
        "messages": list(Message.objects.filter(clue=clue).select_related("author")) if receipt else [],
        "reporter_sender": Sender.REPORTER,
        "unread": 0,
        "feedback": None,
    }
    if receipt:
        section["unread"] = sum(
            1 for m in section["messages"] if m.sender == Sender.REPORTER and not m.read_at
        )
    if can_talk:
        section["feedback"] = FeedbackRecord.objects.filter(clue=clue).first()
        section["feedback_methods"] = FeedbackMethod.choices
        section["feedback_open"] = bool(
            section["feedback"] and section["feedback"].status != FeedbackStatus.GIVEN
        )
    return [section]
