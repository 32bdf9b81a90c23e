"""A clue with a long history (50 staged reports, 10 transfers, 200 timeline entries), for the detail page's
query-count test and bench/ledger.py. Rows are written directly: what matters is how many there are."""

from __future__ import annotations

from typing import Any

from taizhang.clues.choices import ReportStage, TransferAnswer, TransferKind
from taizhang.clues.models import Assignment, Clue, StageReport, Transfer, TransferOutcome
from taizhang.core import audit
from taizhang.core.models import AuditEntry

REPORTS, TRANSFERS, TIMELINE = 50, 10, 200


def lengthen(clue: Clue, actor: Any, receiver: Any) -> None:
    """Top the clue up to REPORTS staged reports, TRANSFERS answered transfers (each with an outcome) and
    TIMELINE audit entries; `receiver` is the unit the extra transfers go to."""
    assignment = Assignment.objects.filter(clue=clue).order_by("-id").first()
    assert assignment is not None, "the clue must have been assigned"
    have = StageReport.objects.filter(clue=clue).count()
    StageReport.objects.bulk_create(
        StageReport(
            clue=clue,
            assignment=assignment,
            stage=ReportStage.PROGRESS,
            body=f"第{n}次进展：继续核查。",
            submitted_by=actor,
        )
        for n in range(have, REPORTS)
    )
    for n in range(Transfer.objects.filter(clue=clue).count(), TRANSFERS):
        transfer = Transfer.objects.create(
            clue=clue,
            kind=TransferKind.DISCIPLINE,
            receiver_unit=receiver,
            letter_number=f"测移〔2026〕{100 + n}号",
            sent_by=actor,
            answer=TransferAnswer.FILED,
            answered_by=actor,
        )
        TransferOutcome.objects.create(transfer=transfer, body=f"第{n}件办理结果。", reported_by=actor)
    entries = AuditEntry.objects.filter(object_type="clues.clue", object_id=str(clue.pk)).count()
    for n in range(entries, TIMELINE):
        audit.record(
            "clue.report_progress",
            actor=actor,
            obj=clue,
            after={"status": clue.status, "body": f"第{n}条记录"},
        )
