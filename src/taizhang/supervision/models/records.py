"""Supervision records: extensions, urging notices, listed supervision, admonition talks, point notices."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from taizhang.clues.models import Assignment, Clue
from taizhang.clues.visibility.rule import clue_q
from taizhang.core.models import Versioned
from taizhang.org.models import Unit
from taizhang.org.visibility import Scope, VisibleQuerySet
from taizhang.supervision.choices import ExtensionStatus, ListingLevel, ListingStatus
from taizhang.supervision.targets import visible_targets_q

USER = settings.AUTH_USER_MODEL


def _office_or_unit_q(scope: Scope) -> Q:
    """An office sees records of its tree; a unit sees the records addressed to it."""
    rule = Q(unit_id=scope.unit_id or 0)
    if scope.office_path:
        rule |= Q(office__path__startswith=scope.office_path)
    return rule


class ExtensionQuerySet(VisibleQuerySet):
    """Extensions are visible with their clue."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        return Q(Exists(Clue.objects.filter(clue_q(scope), pk=OuterRef("clue_id"))))


class Extension(models.Model):
    """A request to extend a clue's current deadline (延期), decided by the office; approved days count toward the cap."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="extensions")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="extensions"
    )
    step = models.CharField(_("延期环节"), max_length=30)
    days = models.PositiveIntegerField(_("申请延期天数"))
    reason = models.TextField(_("延期理由"))
    status = models.CharField(
        _("审批状态"), max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"))
    unit = models.ForeignKey(Unit, verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    granted_days = models.PositiveIntegerField(_("批准天数"), default=0)
    old_deadline = models.DateTimeField(_("原时限"), null=True, blank=True)
    new_deadline = models.DateTimeField(_("新时限"), null=True, blank=True)

    objects = ExtensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "requested_at"], name="extension_status")]

    def __str__(self) -> str:
        return f"{self.clue_id} +{self.days}"


class TargetedQuerySet(VisibleQuerySet):
    """Records about a generic target are visible with their target."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        return visible_targets_q(scope)


class UrgingNotice(models.Model):
    """A 催办单: issued when work is overdue (by the worker, or by office staff), kept and printable as .docx."""

    # number and key are unique through Meta.constraints (no extra LIKE-pattern indexes on a table the worker
    # fills in bulk); target_type is covered by the (target_type, target_id) index.
    number = models.CharField(_("催办单编号"), max_length=40)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_index=False)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    target_label = models.CharField(_("督办事项"), max_length=240)
    office = models.ForeignKey(Unit, verbose_name=_("催办机关"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("被催办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step = models.CharField(_("逾期环节"), max_length=60, blank=True)
    deadline_at = models.DateTimeField(_("原办理时限"), null=True, blank=True)
    reply_by = models.DateTimeField(_("限期回复"), null=True, blank=True)
    body = models.TextField(_("催办内容"))
    issued_at = models.DateTimeField(_("催办时间"), db_index=True)
    issued_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The worker's dispatch key (or a manual one): a retry never issues a second notice.
    key = models.CharField(max_length=200)

    objects = TargetedQuerySet.as_manager()

    class Meta:
        verbose_name = _("催办单")
        verbose_name_plural = _("催办单")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="urging_number"),
            models.UniqueConstraint(fields=["key"], name="urging_key"),
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="urging_target")]

    def __str__(self) -> str:
        return self.number


class ListedSupervision(Versioned):
    """挂牌督办: an office (at a level) lists a clue or case for supervision, with its own deadline, until lifted."""

    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    target_label = models.CharField(_("督办对象"), max_length=240)
    level = models.CharField(_("挂牌级别"), max_length=20, choices=ListingLevel.choices)
    authority = models.CharField(_("挂牌机关"), max_length=100)
    office = models.ForeignKey(Unit, verbose_name=_("登记机关"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("承办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document_number = models.CharField(_("督办文号"), max_length=60, blank=True)
    reason = models.TextField(_("督办事由"))
    requirements = models.TextField(_("督办要求"), blank=True)
    listed_at = models.DateTimeField(_("挂牌时间"))
    deadline_at = models.DateTimeField(_("督办时限"), db_index=True)
    status = models.CharField(
        _("督办状态"), max_length=20, choices=ListingStatus.choices, default=ListingStatus.LISTED
    )
    lifted_at = models.DateTimeField(_("摘牌时间"), null=True, blank=True)
    lifted_note = models.TextField(_("摘牌说明"), blank=True)
    listed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    lifted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = TargetedQuerySet.as_manager()

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")
        ordering = ["status", "deadline_at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="listed_target")]
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id", "level"],
                condition=Q(status="listed"),
                name="listed_once_per_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.target_label}"


class OfficeUnitQuerySet(VisibleQuerySet):
    """Visible to the offices above the record and to the unit it concerns."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        return _office_or_unit_q(scope)


class Talk(models.Model):
    """约谈: an admonition talk an office held with a unit's leaders — who, when, why and the outcome."""

    office = models.ForeignKey(Unit, verbose_name=_("约谈机关"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("被约谈单位"), on_delete=models.PROTECT, related_name="+")
    persons = models.CharField(_("被约谈人"), max_length=200)
    conducted_by = models.CharField(_("约谈人"), max_length=200)
    held_at = models.DateTimeField(_("约谈时间"))
    place = models.CharField(_("约谈地点"), max_length=100, blank=True)
    reason = models.TextField(_("约谈事由"))
    outcome = models.TextField(_("约谈结果及整改要求"), blank=True)
    clue = models.ForeignKey(
        Clue, verbose_name=_("相关线索"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = OfficeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("约谈记录")
        verbose_name_plural = _("约谈记录")
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return f"{self.held_at:%Y-%m-%d} {self.persons}"


class PointNotice(models.Model):
    """点对点通报: a notice from an office to one unit about its performance, acknowledged by the unit."""

    office = models.ForeignKey(Unit, verbose_name=_("通报机关"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("被通报单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("通报标题"), max_length=120)
    body = models.TextField(_("通报内容"))
    clue = models.ForeignKey(
        Clue, verbose_name=_("相关线索"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("通报时间"))
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = OfficeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("点对点通报")
        verbose_name_plural = _("点对点通报")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.title
