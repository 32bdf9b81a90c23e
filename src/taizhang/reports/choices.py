"""States and vocabularies of reports, and the allowed steps of a report, written once as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    COMPUTED = "computed", _("系统计算")
    ENTERED = "entered", _("单位填报")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    HALF = "half", _("半年")
    YEAR = "year", _("年度")
    IMMEDIATE = "immediate", _("即时（重大信息）")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送待审核")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已采用")


class ReportStep(models.TextChoices):
    """The steps of a report's life; each is one action in reports/actions.py."""

    SAVE = "save", _("保存草稿")
    SUBMIT = "submit", _("报送")
    ACCEPT = "accept", _("审核采用")
    RETURN = "return", _("退回修改")


R = ReportStatus
# step -> (states it may start from, state it leads to; None = unchanged).
REPORT_STEPS: dict[str, tuple[frozenset[str], str | None]] = {
    ReportStep.SAVE: (frozenset({R.DRAFT, R.RETURNED}), None),
    ReportStep.SUBMIT: (frozenset({R.DRAFT, R.RETURNED}), R.SUBMITTED),
    ReportStep.ACCEPT: (frozenset({R.SUBMITTED}), R.ACCEPTED),
    ReportStep.RETURN: (frozenset({R.SUBMITTED}), R.RETURNED),
}

# States in which a report counts as filed (on time or late) for punctuality.
FILED_STATUSES = frozenset({R.SUBMITTED, R.ACCEPTED})


class NoteKind(models.TextChoices):
    COMMENDATION = "commendation", _("表扬")
    CRITICISM = "criticism", _("通报批评")


class FormulaKind(models.TextChoices):
    """The fixed formula kinds of the assessment scheme (no free expressions, nothing evaluated)."""

    RATE = "rate", _("比率得分：指标值(%)×权重÷100")
    TIMELINESS = "timeliness", _("按期办理：1 − 超期线索数÷受理线索数")
    PUNCTUALITY = "punctuality", _("按时报送：按时报送期数÷应报期数")
    PER_RECORD = "per_record", _("按件计分：每件加分，封顶为权重")
    DEDUCTIONS = "deductions", _("扣分事项：办公室录入的扣分（附理由）")
