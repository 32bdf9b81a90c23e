"""Staff-side records about reporters: the feedback owed to a real-name reporter when their clue is concluded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.clues.models import Clue
from taizhang.clues.visibility.rule import clue_q
from taizhang.core.models import Versioned
from taizhang.org.visibility import Scope, VisibleQuerySet
from taizhang.reporters.choices import FeedbackMethod, FeedbackStatus


class FeedbackQuerySet(VisibleQuerySet):
    """Feedback records, visible exactly where their clue is."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        return Q(clue__in=Clue.objects.filter(clue_q(scope)).values("pk"))


class FeedbackRecord(Versioned):
    """Feedback (反馈) owed to a real-name reporter once their clue is concluded, and how it was given."""

    clue = models.OneToOneField(Clue, on_delete=models.CASCADE, related_name="feedback")
    status = models.CharField(
        _("反馈状态"),
        max_length=20,
        choices=FeedbackStatus.choices,
        default=FeedbackStatus.DUE,
        db_index=True,
    )
    due_since = models.DateTimeField(_("应反馈时间"), default=timezone.now)
    method = models.CharField(_("反馈方式"), max_length=20, choices=FeedbackMethod.choices, blank=True)
    note = models.TextField(_("反馈情况"), blank=True)
    given_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("举报反馈")
        verbose_name_plural = _("举报反馈")

    def __str__(self) -> str:
        return f"{self.clue_id} {self.status}"
