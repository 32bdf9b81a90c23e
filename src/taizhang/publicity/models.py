"""Typical cases (典型案例), publicity activities (宣传) and the public's sense of security (群众安全感满意度)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taizhang.cases.models import Case, CaseQuerySet
from taizhang.org.models import Unit
from taizhang.org.visibility import Scope, VisibleQuerySet
from taizhang.publicity.choices import ActivityKind, Channel, QuestionKind, SurveyStatus, TypicalStatus

USER = settings.AUTH_USER_MODEL


class TypicalQuerySet(VisibleQuerySet):
    """A typical case is seen by whoever sees its case."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        return Q(case_id__in=Case.objects.filter(CaseQuerySet.visibility_q(scope)).values("pk"))


class TypicalCase(models.Model):
    """A case chosen as typical, with a de-identified summary the office leader approves before export."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="typical")
    title = models.CharField(_("标题"), max_length=120)
    summary = models.TextField(_("案例摘要（已脱敏）"))
    listed = models.BooleanField(_("挂牌督办案件"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=TypicalStatus.choices, default=TypicalStatus.DRAFT
    )
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = TypicalQuerySet.as_manager()

    class Meta:
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class UnitTreeQuerySet(VisibleQuerySet):
    """Rows of a unit: seen by the unit itself and by the offices above it."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        rule = Q(unit_id=scope.unit_id or 0)
        if scope.office_path:
            rule |= Q(unit__path__startswith=scope.office_path)
        return rule


class PublicityActivity(models.Model):
    """A publicity activity a unit held, with how many (meetings, banners, reports, posts)."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("宣传形式"), max_length=12, choices=ActivityKind.choices)
    held_on = models.DateField(_("日期"), db_index=True)
    count = models.PositiveIntegerField(_("场次/数量"), default=1)
    title = models.CharField(_("内容"), max_length=200)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = UnitTreeQuerySet.as_manager()

    class Meta:
        verbose_name = _("宣传活动")
        verbose_name_plural = _("宣传活动")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["unit", "held_on"], name="publicity_unit_on")]

    def __str__(self) -> str:
        return self.title


class SurveyQuerySet(VisibleQuerySet):
    """A survey is the office's: its people and the offices above see it and its results."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        return Q(office__path__startswith=scope.office_path) if scope.office_path else Q(pk__in=[])


class Survey(models.Model):
    """A 群众安全感满意度 survey an office runs over its districts for a period."""

    office = models.ForeignKey(Unit, verbose_name=_("扫黑办"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("调查名称"), max_length=120)
    period_start = models.DateField(_("调查期自"))
    period_end = models.DateField(_("调查期至"))
    districts = models.ManyToManyField(Unit, verbose_name=_("调查区县"), related_name="+")
    status = models.CharField(
        _("状态"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    # When it was closed: an answer given on the internet portal before then still counts when the ferry
    # brings it later; one given after is refused (publicity.online).
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("群众安全感满意度调查")
        verbose_name_plural = _("群众安全感满意度调查")
        ordering = ["-period_start", "-id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("问题"), max_length=200)
    kind = models.CharField(
        _("题型"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.LIKERT
    )
    # Choice questions: the options, in order; the answer stores the option's index.
    options = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["survey_id", "order", "id"]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One person's answers, anonymous: the district and the channel only (no IP, no time of day)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    district = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    day = models.DateField()
    # An answer from the internet portal site: "<portal site id>:<its id there>", so it is written once.
    ref = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        indexes = [models.Index(fields=["survey", "district"], name="survey_response_district")]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField()
    # Copied from the response so that results are one aggregate over (question, district).
    district_id_copy = models.PositiveBigIntegerField(db_index=False)

    class Meta:
        indexes = [models.Index(fields=["question", "district_id_copy", "value"], name="survey_answer_q_d_v")]

    def __str__(self) -> str:
        return f"{self.question_id}={self.value}"
