"""Look-back review campaigns (研判评查 / 回头看) and their items, call-back tasks (回访), messages to reporters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taizhang.clues.models import Clue
from taizhang.core.models import Versioned
from taizhang.drives.models import working_unit
from taizhang.org.models import Unit
from taizhang.org.visibility import Scope, VisibleQuerySet
from taizhang.reviews.choices import (
    CallbackOutcome,
    CampaignStatus,
    MessageChannel,
    MessageStatus,
    Sampling,
    SelectionReason,
    Verdict,
)

USER = settings.AUTH_USER_MODEL


class CampaignQuerySet(VisibleQuerySet):
    """Campaigns: the organising office tree, and every unit reviewing some of its clues."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        rule = Q(items__reviewer_unit_id=working_unit(scope))
        if scope.office_path:
            rule |= Q(office__path__startswith=scope.office_path)
        return Q(pk__in=ReviewCampaign.objects.filter(rule).values("pk"))


class ReviewCampaign(Versioned):
    """A look-back review: which concluded clues, how they were sampled (with the seed), and the leader's sign-off."""

    title = models.CharField(_("评查名称"), max_length=120)
    office = models.ForeignKey(Unit, verbose_name=_("组织机关"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("办结起始日期"))
    period_end = models.DateField(_("办结截止日期"))
    include_repeats = models.BooleanField(_("纳入办结后被重复举报的线索"), default=True)
    sampling = models.CharField(_("抽取方式"), max_length=10, choices=Sampling.choices)
    share = models.PositiveSmallIntegerField(_("抽取比例（%）"), null=True, blank=True)
    size = models.PositiveIntegerField(_("抽取数量"), null=True, blank=True)
    # The draw is reproducible: the same population (its digest) and seed give the same sample.
    seed = models.BigIntegerField(_("随机种子"))
    population = models.PositiveIntegerField(_("候选线索数"), default=0)
    population_digest = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=CampaignStatus.choices,
        default=CampaignStatus.REVIEWING,
        db_index=True,
    )
    signed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("签批时间"), null=True, blank=True)
    conclusion = models.TextField(_("评查结论"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("评查活动")
        verbose_name_plural = _("评查活动")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ItemQuerySet(VisibleQuerySet):
    """Review items: the campaign's office tree, and the reviewing unit for the items it reviews."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        rule = Q(reviewer_unit_id=working_unit(scope))
        if scope.office_path:
            rule |= Q(campaign__office__path__startswith=scope.office_path)
        return rule


class ReviewItem(Versioned):
    """One clue under review: why it was chosen, the unit that handled it, the reviewer, the verdict."""

    campaign = models.ForeignKey(ReviewCampaign, on_delete=models.CASCADE, related_name="items")
    clue = models.ForeignKey(Clue, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("选取原因"), max_length=20, choices=SelectionReason.choices)
    handling_unit = models.ForeignKey(
        Unit, verbose_name=_("原承办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewer_unit = models.ForeignKey(
        Unit, verbose_name=_("评查单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(
        _("评查意见"), max_length=12, choices=Verdict.choices, default=Verdict.PENDING, db_index=True
    )
    reasons = models.TextField(_("评查理由"), blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("评查时间"), null=True, blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("评查线索")
        verbose_name_plural = _("评查线索")
        ordering = ["campaign", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "clue"], name="review_item_clue")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.clue_id}"


class CallbackQuerySet(VisibleQuerySet):
    """Call-back tasks: the office tree they belong to, and the person doing the call-back."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        rule = Q(assignee_id=scope.user_id)
        if scope.office_path:
            rule |= Q(office__path__startswith=scope.office_path)
        return rule


class CallbackTask(Versioned):
    """A call-back (回访) to the real-name reporter of a concluded clue, drawn in the monthly sample."""

    office = models.ForeignKey(Unit, verbose_name=_("扫黑办"), on_delete=models.PROTECT, related_name="+")
    clue = models.ForeignKey(Clue, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("抽样月份"))
    handling_unit = models.ForeignKey(
        Unit, verbose_name=_("原承办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        USER, verbose_name=_("回访人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(
        _("回访结果"),
        max_length=14,
        choices=CallbackOutcome.choices,
        default=CallbackOutcome.PENDING,
        db_index=True,
    )
    notes = models.TextField(_("回访情况"), blank=True)
    called_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    called_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Set when a 不满意 outcome has been taken into a review campaign.
    review_item = models.ForeignKey(
        ReviewItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="callbacks"
    )

    objects = CallbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("回访任务")
        verbose_name_plural = _("回访任务")
        ordering = ["-month", "id"]
        constraints = [models.UniqueConstraint(fields=["clue", "month"], name="callback_clue_month")]
        indexes = [models.Index(fields=["office", "month", "outcome"], name="callback_office_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} #{self.pk}"


class CallbackDraw(models.Model):
    """The monthly draw of one office: made once (the unique row is the claim), with its seed and sizes."""

    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    seed = models.BigIntegerField()
    population = models.PositiveIntegerField()
    drawn = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "month"], name="callback_draw_month")]

    def __str__(self) -> str:
        return f"{self.office_id}:{self.month:%Y-%m}"


class MessageQuerySet(VisibleQuerySet):
    """Messages to reporters are seen where their clue is (never with the address: it is not stored)."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        from taizhang.clues.visibility.rule import clue_q

        return Q(clue__in=Clue.objects.filter(clue_q(scope)).values("pk"))


class ReporterMessage(models.Model):
    """A message to a reporter through a notifier backend; failed sends are retried by the worker."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("发送方式"), max_length=10, choices=MessageChannel.choices)
    body = models.TextField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.CharField(_("失败原因"), max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("举报人消息")
        verbose_name_plural = _("举报人消息")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk}"
