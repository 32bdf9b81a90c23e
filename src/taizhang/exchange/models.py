"""The exchange's own records: the key registry (partners and their keys), clues handed down, clues received
from above, steps received from below and the conflicts a person must look at.

Packages themselves are logged in the ferry's PackageLog (one journal, one import path for both uses).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.clues.models import Assignment, Clue
from taizhang.org.choices import InstanceLink
from taizhang.org.models import Unit
from taizhang.reports.models import PeriodicReport


class Partner(models.Model):
    """Another office's Taizhang instance: the unit that stands for it in this tree, and how it relates to us."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="partner"
    )
    instance_id = models.CharField(_("实例标识"), max_length=60, unique=True)
    sealing_public = models.CharField(_("加密公钥"), max_length=64)
    added_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(_("退出时间"), null=True, blank=True)
    # The last of our packages the partner says it has applied (carried in each of its packages' manifest).
    acknowledged = models.PositiveIntegerField(_("对方已确认序号"), default=0)

    class Meta:
        verbose_name = _("联动实例")
        verbose_name_plural = _("联动实例")

    def __str__(self) -> str:
        return self.unit.name

    @property
    def is_parent(self) -> bool:
        return self.unit.instance_link == InstanceLink.PARENT


class PartnerKey(models.Model):
    """A signing key a partner's packages may be signed with; revoked keys are refused from then on."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="keys")
    verify_key = models.CharField(_("签名公钥"), max_length=64)
    added_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("吊销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("联动实例公钥")
        constraints = [models.UniqueConstraint(fields=["partner", "verify_key"], name="exchange_key_once")]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.verify_key[:12]}"


class HandDown(models.Model):
    """A clue this office handed (交办) to a lower instance: the assignment and the package that carried it."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="hand_down")
    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="hand_downs")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveIntegerField(_("数据包序号"))
    sent_at = models.DateTimeField(_("发出时间"))

    class Meta:
        verbose_name = _("外部交办")

    def __str__(self) -> str:
        return f"{self.clue_id}→{self.partner_id} #{self.sequence}"


class Received(models.Model):
    """A clue that came down from the upper instance: its number and deadline there, beside ours."""

    clue = models.OneToOneField(Clue, on_delete=models.CASCADE, related_name="from_above")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    upper_number = models.CharField(_("上级线索编号"), max_length=40)
    upper_due_at = models.DateTimeField(_("上级办理时限"), null=True, blank=True)
    instructions = models.TextField(_("上级交办要求"), blank=True)
    sequence = models.PositiveIntegerField(_("数据包序号"))

    class Meta:
        verbose_name = _("上级交办线索")
        constraints = [
            models.UniqueConstraint(fields=["partner", "upper_number"], name="exchange_received_once")
        ]

    def __str__(self) -> str:
        return self.upper_number


class Conflict(models.Model):
    """An update from another level that was not applied because it contradicts a decision taken here."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="exchange_conflicts")
    step = models.CharField(_("环节"), max_length=80)
    detail = models.TextField(_("内容"), blank=True)
    reason = models.CharField(_("冲突原因"), max_length=200)
    sequence = models.PositiveIntegerField(_("数据包序号"))
    at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_note = models.CharField(_("处理说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("联动冲突")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.clue_id} {self.step}"


class FromAbove(models.Model):
    """Supervision the upper instance sent down about a clue it handed here (催办, 挂牌督办, 退查...): on the
    lower office's to-do list until a step on the clue goes up after it."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="from_above_items")
    step = models.CharField(_("事项"), max_length=80)
    text = models.TextField(_("内容"), blank=True)
    due_at = models.DateTimeField(_("上级要求时限"), null=True, blank=True)
    at = models.DateTimeField(_("上级发出时间"))
    sequence = models.PositiveIntegerField(_("数据包序号"))
    answered_at = models.DateTimeField(_("已反馈时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("上级督办事项")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.clue_id} {self.step}"


class SentReport(models.Model):
    """A report of this office that went up to the parent instance, and in which package."""

    report = models.ForeignKey(PeriodicReport, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveIntegerField(_("数据包序号"))
    sent_at = models.DateTimeField(_("发出时间"))

    class Meta:
        verbose_name = _("已上报报告")
        constraints = [
            models.UniqueConstraint(fields=["report", "partner"], name="exchange_report_sent_once")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}→{self.partner_id} #{self.sequence}"


class GapAcceptance(models.Model):
    """A person accepted, on the exchange page, that the packages missing from a partner will not come: the
    next worker pass applies the package waiting behind the gap with this reason (audited there as
    exchange.gap_accepted); until then it is shown as pending."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    missing = models.CharField(_("缺少的序号"), max_length=200)
    reason = models.CharField(_("原因"), max_length=200)
    accepted_by = models.CharField(_("确认人"), max_length=150)
    at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(_("已导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("确认缺号")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.missing}"
