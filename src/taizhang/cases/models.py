"""Cases (案件): built from clues or reported by the police, followed stage by stage, screened for 保护伞."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from taizhang.cases.choices import (
    AssetKind,
    AssetMeasure,
    AssetStatus,
    CaseStage,
    CaseStatus,
    CheckKind,
    CheckStatus,
    Disposal,
    GroupRole,
    Measure,
    OrgType,
    Screening,
    SuspectStatus,
)
from taizhang.clues.models import Clue
from taizhang.core.models import Versioned
from taizhang.org.choices import RoleCode
from taizhang.org.models import Sector, Unit
from taizhang.org.visibility import Scope, VisibleQuerySet

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 16, "decimal_places": 2, "default": Decimal("0")}


class CaseQuerySet(VisibleQuerySet):
    """Cases, limited by the one visibility rule."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        unit_id = scope.unit_id or 0
        rule = Q(Exists(Case.handling_units.through.objects.filter(case=OuterRef("pk"), unit_id=unit_id)))
        if scope.office_path:
            rule |= Q(office__path__startswith=scope.office_path)
        # 行业牵头单位: a sector's lead unit follows that sector's cases.
        rule |= Q(sector__lead_unit_id=unit_id)
        # The discipline commission screens every case of its office's tree for 保护伞 (逐案过筛).
        if scope.has(RoleCode.DISCIPLINE_HANDLER) and scope.home_office_path:
            rule |= Q(office__path__startswith=scope.home_office_path)
        return rule

    def within(self, unit: Unit) -> CaseQuerySet:
        """Cases of `unit`'s subtree: owned by an office in it or handled by a unit in it."""
        return self.within_path(unit.path)

    def within_path(self, path: str | OuterRef) -> CaseQuerySet:
        """`within` for a unit's path, or for OuterRef("path") inside a query over units (a figure for every
        unit in one statement: cases.indicators)."""
        inner = OuterRef(path) if isinstance(path, OuterRef) else path
        handled = Case.handling_units.through.objects.filter(
            Q(case=OuterRef("pk")) & Q(unit__path__startswith=inner)
        )
        return self.filter(Q(office__path__startswith=path) | Q(Exists(handled)))


class Case(Versioned):
    """A criminal case (案件) against an organisation, followed from 立案侦查 to 执行."""

    number = models.CharField(_("案件编号"), max_length=40, unique=True)
    name = models.CharField(_("案件名称"), max_length=120)
    org_type = models.CharField(_("组织类型"), max_length=20, choices=OrgType.choices)
    office = models.ForeignKey(Unit, verbose_name=_("主管扫黑办"), on_delete=models.PROTECT, related_name="+")
    handling_units = models.ManyToManyField(
        Unit, verbose_name=_("承办单位"), related_name="handled_cases", blank=True
    )
    clues = models.ManyToManyField(Clue, verbose_name=_("关联线索"), related_name="cases", blank=True)
    sector = models.ForeignKey(
        Sector, verbose_name=_("行业领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    brief = models.TextField(_("简要案情"), blank=True)
    stage = models.CharField(
        _("诉讼阶段"), max_length=20, choices=CaseStage.choices, default=CaseStage.REGISTERED, db_index=True
    )
    stage_on = models.DateField(_("阶段日期"), null=True, blank=True)
    status = models.CharField(
        _("办理状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    persons_caught = models.PositiveIntegerField(_("抓获人数"), default=0)
    fugitives_caught = models.PositiveIntegerField(_("缉拿逃犯人数"), default=0)
    fugitives_at_large = models.PositiveIntegerField(_("在逃人数"), default=0)
    assets_seized = models.DecimalField(_("查封扣押资产（元）"), **MONEY)  # type: ignore[arg-type]
    assets_frozen = models.DecimalField(_("冻结资产（元）"), **MONEY)  # type: ignore[arg-type]
    assets_confiscated = models.DecimalField(_("没收资产（元）"), **MONEY)  # type: ignore[arg-type]
    screening = models.CharField(
        _("逐案过筛"), max_length=12, choices=Screening.choices, default=Screening.UNSCREENED, db_index=True
    )
    screened_by = models.ForeignKey(
        USER, verbose_name=_("过筛人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField(_("过筛时间"), null=True, blank=True)
    screening_note = models.TextField(_("过筛情况"), blank=True)
    umbrella_clue = models.ForeignKey(
        Clue,
        verbose_name=_("保护伞线索"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="screened_cases",
    )
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    registered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["office", "-created_at"], name="case_office_created")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def title(self) -> str:
        """What supervision's listings and notices call the case (its number is shown beside it)."""
        return self.name

    @property
    def owner_unit_id(self) -> int | None:
        """The unit supervision notifies about the case: its police unit, else its first handling unit."""
        units = list(self.handling_units.order_by("path").values_list("pk", "kind"))
        police = [pk for pk, kind in units if kind == "police"]
        return (police or [pk for pk, _kind in units] or [None])[0]

    @property
    def assets_total(self) -> Decimal:
        return self.assets_seized + self.assets_frozen


class CaseStageEvent(models.Model):
    """A case reaching a stage (立案, 批捕, 起诉 ...) on a date, with the number of persons at that stage."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    stage = models.CharField(_("诉讼阶段"), max_length=20, choices=CaseStage.choices)
    occurred_on = models.DateField(_("日期"))
    # 一审/二审: the day judgment was given (宣判); the event's own date is when the court accepted the case.
    judged_on = models.DateField(_("宣判日期"), null=True, blank=True)
    persons = models.PositiveIntegerField(_("人数"), default=0)
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("诉讼阶段记录")
        verbose_name_plural = _("诉讼阶段记录")
        ordering = ["occurred_on", "id"]
        indexes = [
            models.Index(fields=["stage", "occurred_on"], name="case_event_stage_on"),
            models.Index(fields=["stage", "judged_on"], name="case_event_stage_judged"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.occurred_on}"


class CaseCounter(models.Model):
    """The last case number given by an office in a year (numbers are gap-free per office and year)."""

    office = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="case_counter_unique")]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last}"


class CaseCheck(models.Model):
    """One of the three checks of a case (一案三查), with its responsible unit and finding."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(_("核查类别"), max_length=16, choices=CheckKind.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=12, choices=CheckStatus.choices, default=CheckStatus.OPEN)
    failures_found = models.BooleanField(_("发现失职失责"), default=False)
    finding = models.TextField(_("核查结论"), blank=True)
    concluded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    concluded_at = models.DateTimeField(_("查结时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("一案三查")
        verbose_name_plural = _("一案三查")
        ordering = ["case_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="case_check_unique")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


class AccountabilityQuerySet(VisibleQuerySet):
    """Accountability records reach only people who see the case and its 保护伞 part."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        reach = Q(pk__in=[])
        if scope.office_path and scope.has(RoleCode.OFFICE_LEADER):
            reach |= Q(check_row__case__office__path__startswith=scope.office_path)
        if scope.has(RoleCode.DISCIPLINE_HANDLER) and scope.home_office_path:
            reach |= Q(check_row__case__office__path__startswith=scope.home_office_path)
        cases = Case.objects.filter(CaseQuerySet.visibility_q(scope)).values("pk")
        return reach & Q(check_row__case_id__in=cases)


class Accountability(models.Model):
    """A person held to account (问责) by a case's check: name, post, unit, measure."""

    check_row = models.ForeignKey(CaseCheck, on_delete=models.CASCADE, related_name="accountabilities")
    person_name = models.CharField(_("姓名"), max_length=40)
    post = models.CharField(_("职务"), max_length=80)
    unit_name = models.CharField(_("单位"), max_length=120)
    measure = models.CharField(_("问责措施"), max_length=16, choices=Measure.choices)
    decided_on = models.DateField(_("决定日期"))
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = AccountabilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("问责记录")
        verbose_name_plural = _("问责记录")
        ordering = ["decided_on", "id"]
        indexes = [models.Index(fields=["measure", "decided_on"], name="case_acct_measure_on")]

    def __str__(self) -> str:
        return f"{self.person_name} {self.get_measure_display()}"


class AssetItem(models.Model):
    """One seized, impounded or frozen asset of a case (涉案财产), followed to its disposal."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assets")
    kind = models.CharField(_("财产类别"), max_length=12, choices=AssetKind.choices)
    description = models.CharField(_("财产描述"), max_length=200)
    value = models.DecimalField(_("价值（元）"), max_digits=16, decimal_places=2)
    measure = models.CharField(_("强制措施"), max_length=10, choices=AssetMeasure.choices)
    custodian = models.ForeignKey(
        Unit, verbose_name=_("保管单位"), on_delete=models.PROTECT, related_name="+"
    )
    measured_on = models.DateField(_("采取措施日期"))
    status = models.CharField(_("状态"), max_length=10, choices=AssetStatus.choices, default=AssetStatus.HELD)
    disposal = models.CharField(_("处置方式"), max_length=12, choices=Disposal.choices, blank=True)
    responsible = models.CharField(_("处置责任人"), max_length=40, blank=True)
    dispose_by = models.DateField(_("处置期限"), null=True, blank=True, db_index=True)
    disposed_amount = models.DecimalField(_("已处置金额（元）"), max_digits=16, decimal_places=2, default=0)
    # The disposal deadline under supervision (reminders, urging, the overdue board), closed when disposed of.
    task = models.ForeignKey(
        "supervision.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("涉案财产")
        verbose_name_plural = _("涉案财产")
        ordering = ["case_id", "id"]
        indexes = [models.Index(fields=["measure", "measured_on"], name="case_asset_measure_on")]

    def __str__(self) -> str:
        return self.description


class AssetDisposal(models.Model):
    """A disposal (处置) of part or all of an asset, with its amount."""

    item = models.ForeignKey(AssetItem, on_delete=models.CASCADE, related_name="disposals")
    amount = models.DecimalField(_("处置金额（元）"), max_digits=16, decimal_places=2)
    disposed_on = models.DateField(_("处置日期"))
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("财产处置记录")
        verbose_name_plural = _("财产处置记录")
        ordering = ["disposed_on", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.amount}"


class CaseSuspect(models.Model):
    """A suspect (犯罪嫌疑人) of a case, entered by name: who, their place in the group, where they are.

    Seen with the case (CaseQuerySet's rule); the people app resolves each into an entity (犯罪嫌疑人)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspects")
    name = models.CharField(_("姓名"), max_length=40)
    id_fragment = models.CharField(_("身份证号（可部分）"), max_length=20, blank=True)
    phone_fragment = models.CharField(_("电话（可部分）"), max_length=20, blank=True)
    group_role = models.CharField(_("组织地位"), max_length=12, choices=GroupRole.choices)
    status = models.CharField(_("状态"), max_length=16, choices=SuspectStatus.choices)
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("犯罪嫌疑人")
        verbose_name_plural = _("犯罪嫌疑人")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return self.name
