"""三书一函 letters, problem lists (问题清单), problems, measures (整改措施), progress and evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.cases.models import Case
from taizhang.core.models import Versioned
from taizhang.org.models import Sector, Unit
from taizhang.org.visibility import Scope, VisibleQuerySet
from taizhang.rectification.choices import (
    OPEN_MEASURE_STATUSES,
    LetterStatus,
    ListSource,
    MeasureStatus,
)

USER = settings.AUTH_USER_MODEL


class LetterType(models.Model):
    """A kind of letter: the four 三书一函 and configurable extras such as 风险提示函."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=30)
    issuer_kind = models.CharField(_("发出单位类型"), max_length=20, blank=True)
    is_extra = models.BooleanField(_("扩展类型"), default=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("文书类型")
        verbose_name_plural = _("文书类型")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class LetterQuerySet(VisibleQuerySet):
    """Letters: seen by the issuer, the recipient, the offices above them and the sector's lead unit."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        unit_id = scope.unit_id or 0
        rule = Q(issuer_unit_id=unit_id) | Q(recipient_unit_id=unit_id) | Q(sector__lead_unit_id=unit_id)
        if scope.office_path:
            rule |= Q(issuer_unit__path__startswith=scope.office_path)
            rule |= Q(recipient_unit__path__startswith=scope.office_path)
        return rule

    def overdue(self, now: object = None) -> LetterQuerySet:
        return self.filter(replied_at__isnull=True, reply_due_at__lt=now or timezone.now())


class Letter(Versioned):
    """A 三书一函 letter to a sector regulator about a loophole a case exposed; needs a reply and rectification."""

    number = models.CharField(_("文号"), max_length=60)
    letter_type = models.ForeignKey(LetterType, verbose_name=_("文书类型"), on_delete=models.PROTECT)
    issuer_unit = models.ForeignKey(
        Unit, verbose_name=_("发出单位"), on_delete=models.PROTECT, related_name="+"
    )
    recipient_unit = models.ForeignKey(
        Unit, verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("所涉案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("行业领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("发出日期"))
    problems = models.TextField(_("指出的问题"))
    reply_due_at = models.DateTimeField(_("回复期限"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=LetterStatus.choices, default=LetterStatus.ISSUED, db_index=True
    )
    reply = models.TextField(_("回复内容"), blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    # When the worker last sent the overdue notice; the conditional update makes the worker safe to run twice.
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("三书一函")
        verbose_name_plural = _("三书一函")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.letter_type.name} {self.number}"

    @property
    def is_overdue(self) -> bool:
        return self.replied_at is None and self.reply_due_at < timezone.now()


class ProblemListQuerySet(VisibleQuerySet):
    """Problem lists: the owning office tree, the sector's lead unit, and every unit responsible for a measure."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        unit_id = scope.unit_id or 0
        responsible = Measure.units.through.objects.filter(
            measure__problem__problem_list=OuterRef("pk"), unit_id=unit_id
        )
        rule = Q(Exists(responsible)) | Q(sector__lead_unit_id=unit_id) | Q(letter__recipient_unit_id=unit_id)
        if scope.office_path:
            rule |= Q(office__path__startswith=scope.office_path)
        return rule


class ProblemList(models.Model):
    """A problem list (问题清单) from an inspection team, a letter, a special check or a self-check."""

    title = models.CharField(_("清单名称"), max_length=120)
    source = models.CharField(_("来源"), max_length=20, choices=ListSource.choices)
    office = models.ForeignKey(Unit, verbose_name=_("主管扫黑办"), on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey(
        Sector, verbose_name=_("行业领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    letter = models.OneToOneField(
        Letter,
        verbose_name=_("来源文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problem_list",
    )
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProblemListQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题清单")
        verbose_name_plural = _("问题清单")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Problem(models.Model):
    """One problem (问题) on a list; fixed by one or more measures."""

    problem_list = models.ForeignKey(ProblemList, on_delete=models.CASCADE, related_name="problems")
    seq = models.PositiveIntegerField(_("序号"))
    description = models.TextField(_("问题"))

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["seq", "id"]

    def __str__(self) -> str:
        return f"{self.seq}. {self.description[:40]}"


class MeasureQuerySet(VisibleQuerySet):
    """Measures: visible with their list (office tree, sector lead, letter recipient) or to a responsible unit."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        unit_id = scope.unit_id or 0
        rule = (
            Q(Exists(Measure.units.through.objects.filter(measure=OuterRef("pk"), unit_id=unit_id)))
            | Q(problem__problem_list__sector__lead_unit_id=unit_id)
            | Q(problem__problem_list__letter__recipient_unit_id=unit_id)
        )
        if scope.office_path:
            rule |= Q(problem__problem_list__office__path__startswith=scope.office_path)
        return rule

    def open(self) -> MeasureQuerySet:
        return self.filter(status__in=OPEN_MEASURE_STATUSES)

    def overdue(self, today: object = None) -> MeasureQuerySet:
        return self.open().filter(deadline__lt=today or timezone.localdate())


class Measure(Versioned):
    """A rectification measure (整改措施): responsible units and person, deadline, progress, sign-off (销号)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="measures")
    seq = models.PositiveIntegerField(_("序号"), default=1)
    description = models.TextField(_("整改措施"))
    units = models.ManyToManyField(Unit, verbose_name=_("责任单位"), related_name="rectification_measures")
    person = models.ForeignKey(
        USER, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person_name = models.CharField(_("责任人姓名"), max_length=50, blank=True)
    deadline = models.DateField(_("完成时限"), db_index=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=MeasureStatus.choices,
        default=MeasureStatus.IN_PROGRESS,
        db_index=True,
    )
    progress = models.TextField(_("进展情况"), blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)
    requested_at = models.DateTimeField(_("申请销号时间"), null=True, blank=True)
    signed_off_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    signed_off_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    overdue_notified_on = models.DateField(null=True, blank=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")
        ordering = ["problem__seq", "seq", "id"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_MEASURE_STATUSES and self.deadline < timezone.localdate()

    @property
    def responsible_label(self) -> str:
        return str(self.person) if self.person_id else self.person_name


class ProgressReport(models.Model):
    """A progress report (进展情况) on a measure by its responsible unit, with evidence files."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="reports")
    body = models.TextField(_("进展情况"))
    is_completion = models.BooleanField(_("申请销号"), default=False)
    reported_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")
        ordering = ["reported_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class Evidence(models.Model):
    """An evidence file (佐证材料) attached to a progress report; bytes live in core.files storage."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    name = models.CharField(_("文件名"), max_length=200)
    storage_path = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.name
