"""Indicator catalogue, periodic and major-event reports, legacy figures, bulletin notes and assessment schemes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.core.models import Versioned
from taizhang.org.models import Unit
from taizhang.org.visibility import Scope, VisibleQuerySet
from taizhang.reports.choices import (
    FormulaKind,
    IndicatorKind,
    NoteKind,
    PeriodKind,
    ReportStatus,
)

USER = settings.AUTH_USER_MODEL


class UnitTreeQuerySet(VisibleQuerySet):
    """Rows that belong to a unit: an office sees its subtree, everyone else their own unit."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        if scope.office_path:
            return Q(unit__path__startswith=scope.office_path)
        return Q(unit_id=scope.unit_id)


class Indicator(models.Model):
    """One figure of the catalogue: computed from the ledger by an app's indicators.py, or entered by units."""

    code = models.CharField(_("指标代码"), max_length=60, unique=True)
    name = models.CharField(_("指标名称"), max_length=100)
    variants = models.CharField(_("别称"), max_length=200, blank=True)
    unit_label = models.CharField(_("计量单位"), max_length=10)
    counts_persons = models.BooleanField(_("同时统计人数"), default=False)
    kind = models.CharField(
        _("来源"), max_length=10, choices=IndicatorKind.choices, default=IndicatorKind.ENTERED
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("统计指标")
        verbose_name_plural = _("统计指标")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit_label}）"


class ReportType(models.Model):
    """A kind of report with its period and due rule (e.g. 信息月报, due by the 25th)."""

    code = models.CharField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    period_kind = models.CharField(_("报送周期"), max_length=10, choices=PeriodKind.choices)
    due_day = models.PositiveSmallIntegerField(_("截止日"), default=25)
    due_month_offset = models.PositiveSmallIntegerField(_("截止月（期末后第几月）"), default=0)
    indicators = models.ManyToManyField(Indicator, verbose_name=_("报送指标"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("报送类型")
        verbose_name_plural = _("报送类型")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_periodic(self) -> bool:
        return self.period_kind != PeriodKind.IMMEDIATE


class PeriodicReport(Versioned):
    """One unit's report for one period (or one major event): values, narrative, drafted, submitted, reviewed."""

    report_type = models.ForeignKey(ReportType, verbose_name=_("报送类型"), on_delete=models.PROTECT)
    unit = models.ForeignKey(Unit, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("期初"), null=True, blank=True)
    period_end = models.DateField(_("期末"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    narrative = models.TextField(_("工作情况"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    due_at = models.DateTimeField(_("报送截止"), null=True, blank=True, db_index=True)
    drafted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    return_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = UnitTreeQuerySet.as_manager()

    class Meta:
        verbose_name = _("报送")
        verbose_name_plural = _("报送")
        ordering = ["-period_start", "unit__path", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report_type", "unit", "period_start"],
                condition=Q(period_start__isnull=False),
                name="report_one_per_unit_period",
            )
        ]
        indexes = [models.Index(fields=["report_type", "period_start"], name="report_type_period")]

    def __str__(self) -> str:
        return f"{self.unit} {self.title or self.report_type}"

    @property
    def is_late(self) -> bool:
        """Filed after the due time (judged by the first submission, so a return does not make it late)."""
        first = self.first_submitted_at
        return bool(self.due_at and first and first > self.due_at)


class ReportValue(models.Model):
    """One indicator's figure in a report: computed (a snapshot at submission) or entered by the unit."""

    report = models.ForeignKey(PeriodicReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=2)
    persons = models.PositiveIntegerField(_("人数"), null=True, blank=True)
    is_computed = models.BooleanField(default=False)
    # For a computed clue figure, frozen at submission: {"numbers": [the clue numbers counted]}; a rate keeps
    # its numerator's numbers and {"numerator": n, "denominator": d} (so levels above can total it).
    records = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("报送数值")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="report_value_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.code}={self.value}"


class LegacyFigureRecord(models.Model):
    """Typed figures for one unit and period from a source the ledger does not hold (old reports, text)."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("期初"))
    period_end = models.DateField(_("期末"))
    source = models.CharField(_("来源"), max_length=200)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = UnitTreeQuerySet.as_manager()

    class Meta:
        verbose_name = _("历史数据")
        verbose_name_plural = _("历史数据")
        ordering = ["-period_start", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.period_start}–{self.period_end} {self.source}"


class LegacyFigure(models.Model):
    """One typed figure of a legacy record, with the text it came from."""

    record = models.ForeignKey(LegacyFigureRecord, on_delete=models.CASCADE, related_name="figures")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=2)
    unit_label = models.CharField(_("计量单位"), max_length=10)
    approx = models.CharField(_("约数"), max_length=10, blank=True)
    text = models.CharField(_("原文"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("历史数值")

    def __str__(self) -> str:
        return f"{self.indicator.code}={self.value}{self.unit_label}"


class BulletinNote(models.Model):
    """A commendation or criticism the office enters for a unit, printed in the bulletin of its period."""

    office = models.ForeignKey(Unit, verbose_name=_("通报机关"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("被通报单位"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("期初"))
    period_end = models.DateField(_("期末"))
    kind = models.CharField(_("类别"), max_length=14, choices=NoteKind.choices)
    text = models.TextField(_("内容"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = UnitTreeQuerySet.as_manager()

    class Meta:
        verbose_name = _("通报事项")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit}"


class AssessmentScheme(models.Model):
    """An office's annual assessment scheme (年度考评): items with weights and formula kinds."""

    office = models.ForeignKey(Unit, verbose_name=_("考评机关"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("考评方案")
        verbose_name_plural = _("考评方案")
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="assessment_one_per_year")]

    def __str__(self) -> str:
        return self.name


class AssessmentItem(models.Model):
    """One scored item: a formula kind over named figures, worth up to `weight` points."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("考评项目"), max_length=60)
    formula = models.CharField(_("计分方式"), max_length=14, choices=FormulaKind.choices)
    indicator_code = models.CharField(_("指标代码"), max_length=60, blank=True)
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    per_record = models.DecimalField(_("每件分值"), max_digits=6, decimal_places=2, default=1)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("考评项目")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class AssessmentDeduction(models.Model):
    """Points the office deducts from a unit, with the reason (drill-down shows each one)."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="deductions")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("扣分"), max_digits=6, decimal_places=2)
    reason = models.CharField(_("理由"), max_length=300)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = UnitTreeQuerySet.as_manager()

    class Meta:
        verbose_name = _("考评扣分")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.unit} -{self.points}"


class ClueTally(models.Model):
    """Clue counts by month and dimension, kept in step with the clue table by PostgreSQL triggers (tally.py).

    Rows are deltas: a trigger appends what each statement on clues_clue added or removed, the worker folds the
    rows of one key together (tally.compact), and readers sum. Unused (empty) on other databases."""

    office_id = models.IntegerField()
    unit_id = models.IntegerField(default=0)  # the responsible unit; 0 when none
    is_umbrella = models.BooleanField()
    # R: received in `month`, by dim/value; U: received in `month`, concluded in `month2` (or never);
    # C: concluded in `month`, value = finding; D: deadline on the local day `month`, value = status;
    # S: received in `month`, by dim/value (a ledger filter, tally.CROSSED) and `status` (the ledger's counts).
    kind = models.CharField(max_length=1)
    month = models.DateField()
    month2 = models.DateField(null=True)
    dim = models.CharField(max_length=10, blank=True)
    value = models.CharField(max_length=24, blank=True)
    status = models.CharField(max_length=20, blank=True, default="", db_default="")  # kind S only
    n = models.IntegerField()
    compacted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("线索统计汇总")
        indexes = [
            models.Index(fields=["kind", "month"], name="tally_kind_month"),
            # The ledger's counts per status under one filter read that filter value's rows (tally.narrowing).
            models.Index(fields=["kind", "dim", "value", "month"], name="tally_dim_value"),
            models.Index(fields=["id"], name="tally_fresh", condition=Q(compacted=False)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.month} {self.dim}={self.value}: {self.n}"


class ReportFromBelow(models.Model):
    """A periodic report a lower Taizhang instance filed, as it came up through the exchange (written by
    taizhang.exchange through from_below.do_file_from_below, read here): read-only, one per sending office,
    type and period. `unit` is the unit of this tree the package came through (the child instance)."""

    unit = models.ForeignKey(Unit, verbose_name=_("报送渠道"), on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(_("报送实例"), max_length=60)
    origin_name = models.CharField(_("报送单位"), max_length=100)
    via = models.CharField(_("转报单位"), max_length=300, blank=True)
    report_type = models.ForeignKey(ReportType, verbose_name=_("报送类型"), on_delete=models.PROTECT)
    period_start = models.DateField(_("期初"))
    period_end = models.DateField(_("期末"))
    narrative = models.TextField(_("工作情况"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    # The report of the child instance's unit on this instance's board (None for one relayed from further down).
    report = models.ForeignKey(
        PeriodicReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="from_below"
    )
    sequence = models.PositiveIntegerField(_("数据包序号"))
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)

    objects = UnitTreeQuerySet.as_manager()

    class Meta:
        verbose_name = _("下级台账报送")
        verbose_name_plural = _("下级台账报送")
        ordering = ["unit__path", "via", "origin_name", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "report_type", "period_start"], name="report_from_below_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.origin_name} {self.period_start}"


class FigureFromBelow(models.Model):
    """One figure of a report from below, as sent: for a clue figure, the clue numbers (theirs) it counts."""

    source = models.ForeignKey(ReportFromBelow, on_delete=models.CASCADE, related_name="figures")
    code = models.CharField(_("指标代码"), max_length=60)
    name = models.CharField(_("指标名称"), max_length=100)
    unit_label = models.CharField(_("计量单位"), max_length=10)
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=2)
    persons = models.PositiveIntegerField(_("人数"), null=True, blank=True)
    is_computed = models.BooleanField(default=False)
    # {"numbers": [clue numbers]}, for a rate also {"numerator": n, "denominator": d} (see ReportValue.records).
    records = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("下级台账报送数值")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.code}={self.value}"
