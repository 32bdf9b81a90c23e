"""Screening drives (排查), their rounds, each unit's return per round, and what the returns found."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from taizhang.clues.models import Clue
from taizhang.core.models import Versioned
from taizhang.drives.choices import (
    DriveKind,
    DriveStatus,
    FindingKind,
    FindingStatus,
    ReturnStatus,
    RoundStatus,
)
from taizhang.org.choices import OFFICE_ROLES, RoleCode
from taizhang.org.models import Sector, Unit
from taizhang.org.visibility import Scope, VisibleQuerySet
from taizhang.rectification.models import Measure, ProblemList
from taizhang.supervision.models import Task

USER = settings.AUTH_USER_MODEL


# Roles that do the work of a unit or an office: sight through one's unit needs one of them (a system
# administrator placed in an office unit sees no drive through that).
WORKING_ROLES = (
    RoleCode.LIAISON,
    RoleCode.HANDLER,
    RoleCode.UNIT_LEADER,
    RoleCode.DISCIPLINE_HANDLER,
    *OFFICE_ROLES,
)


def working_unit(scope: Scope) -> int:
    """The person's unit id when they hold a working role there, else 0 (matches nothing)."""
    return (scope.unit_id or 0) if scope.has(*WORKING_ROLES) else 0


def _drive_q(scope: Scope, prefix: str = "") -> Q:
    """A drive is seen by its office tree and its lead unit; a participating unit sees the drive itself."""
    unit_id = working_unit(scope)
    rule = Q(**{f"{prefix}lead_unit_id": unit_id})
    if scope.office_path:
        rule |= Q(**{f"{prefix}office__path__startswith": scope.office_path})
    return rule


class DriveQuerySet(VisibleQuerySet):
    """Drives: the organising office tree, the lead unit, and every participating unit."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        member = Drive.units.through.objects.filter(drive=OuterRef("pk"), unit_id=working_unit(scope))
        return _drive_q(scope) | Q(Exists(member))


class Drive(Versioned):
    """A screening drive: its sectors, participating units, period, lead unit and what each unit reports."""

    title = models.CharField(_("排查名称"), max_length=120)
    kind = models.CharField(_("排查类型"), max_length=20, choices=DriveKind.choices)
    office = models.ForeignKey(Unit, verbose_name=_("组织机关"), on_delete=models.PROTECT, related_name="+")
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("排查领域"), related_name="+")
    units = models.ManyToManyField(Unit, verbose_name=_("参加单位"), related_name="screening_drives")
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    requirements = models.TextField(_("报送要求"))
    # Rolling drives: a round every `interval_days`; each round's return is due `return_days` after it opens.
    interval_days = models.PositiveSmallIntegerField(_("滚动周期（天）"), null=True, blank=True)
    return_days = models.PositiveSmallIntegerField(_("报送期限（天）"), default=7)
    # The day the worker opens the next round (None: no round left); claimed with a conditional update.
    next_round_on = models.DateField(null=True, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=DriveStatus.choices, default=DriveStatus.ACTIVE, db_index=True
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DriveQuerySet.as_manager()

    class Meta:
        verbose_name = _("排查")
        verbose_name_plural = _("排查")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class DriveRound(models.Model):
    """One round of a drive (a concentrated drive has one); every participating unit files a return for it."""

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="rounds")
    seq = models.PositiveSmallIntegerField(_("轮次"))
    opens_on = models.DateField(_("开始日期"))
    due_at = models.DateTimeField(_("报送期限"))
    status = models.CharField(
        _("状态"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(_("截止时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("排查轮次")
        verbose_name_plural = _("排查轮次")
        ordering = ["drive", "seq"]
        constraints = [models.UniqueConstraint(fields=["drive", "seq"], name="drive_round_seq")]

    def __str__(self) -> str:
        return _("第%(n)s轮") % {"n": self.seq}


class ReturnQuerySet(VisibleQuerySet):
    """Returns: the drive's office tree and lead unit see all; a participating unit sees its own only."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        return _drive_q(scope, "drive__") | Q(unit_id=working_unit(scope))


class DriveReturn(Versioned):
    """A unit's return (报送) for one round: items checked, problems and clues found, or an explicit 零报告."""

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="returns")
    round = models.ForeignKey(DriveRound, on_delete=models.CASCADE, related_name="returns")
    unit = models.ForeignKey(Unit, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+")
    # The supervised deadline of this return (reminders, urging, overdue board, 我的待办) is a supervision task.
    task = models.OneToOneField(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(
        _("状态"), max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.PENDING, db_index=True
    )
    items_checked = models.PositiveIntegerField(_("排查对象数"), default=0)
    problems_found = models.PositiveIntegerField(_("发现问题数"), default=0)
    clues_found = models.PositiveIntegerField(_("发现线索数"), default=0)
    is_zero = models.BooleanField(_("零报告"), default=False)
    leader_name = models.CharField(_("单位负责人"), max_length=50, blank=True)
    note = models.TextField(_("排查情况"), blank=True)
    filed_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    filed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    is_late = models.BooleanField(_("逾期报送"), default=False)

    objects = ReturnQuerySet.as_manager()

    class Meta:
        verbose_name = _("排查报送")
        verbose_name_plural = _("排查报送")
        ordering = ["round__seq", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="drive_return_unit")]
        indexes = [models.Index(fields=["drive", "unit", "status"], name="drive_return_board")]

    def __str__(self) -> str:
        return f"{self.round} {self.unit}"


class FindingQuerySet(VisibleQuerySet):
    """Findings are seen with their return."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        return _drive_q(scope, "drive__") | Q(ret__unit_id=working_unit(scope))


class DriveFinding(models.Model):
    """One thing a return found: a clue (registered by the office through the normal registration, carrying the
    drive through this row) or a sector problem (put on the drive's rectification list)."""

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="findings")
    ret = models.ForeignKey(DriveReturn, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("类型"), max_length=12, choices=FindingKind.choices)
    sector = models.ForeignKey(Sector, verbose_name=_("领域"), on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(_("问题摘要"), max_length=200)
    facts = models.TextField(_("具体情况"), blank=True)
    subject_names = models.CharField(_("涉及对象"), max_length=200, blank=True)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    status = models.CharField(
        _("处理状态"), max_length=12, choices=FindingStatus.choices, default=FindingStatus.REPORTED
    )
    clue = models.OneToOneField(
        Clue, null=True, blank=True, on_delete=models.PROTECT, related_name="drive_finding"
    )
    measure = models.OneToOneField(
        Measure, null=True, blank=True, on_delete=models.PROTECT, related_name="drive_finding"
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("排查发现")
        verbose_name_plural = _("排查发现")
        ordering = ["ret_id", "id"]

    def __str__(self) -> str:
        return self.summary


class DriveProblemList(models.Model):
    """The rectification list a drive's problems of one sector go on (created with the first of them)."""

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+")
    problem_list = models.OneToOneField(ProblemList, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["drive", "sector"], name="drive_sector_list")]

    def __str__(self) -> str:
        return f"{self.drive_id}:{self.sector_id}"
