"""Administrator screens: the calendar overrides, deadline rules and supervision policy (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from taizhang.core.admin_mixins import AuditedAdmin
from taizhang.supervision.models import CalendarOverride, DeadlineRule, MeetingSeries, SupervisionPolicy


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditedAdmin):
    list_display = ("date", "is_workday", "note", "updated_by", "updated_at")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    exclude = ("updated_by",)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedAdmin):
    list_display = ("step", "amount", "unit", "office", "note")
    list_filter = ("step", "unit")
    list_editable = ("amount", "unit")


@admin.register(SupervisionPolicy)
class SupervisionPolicyAdmin(AuditedAdmin):
    list_display = (
        "__str__",
        "extension_cap_days",
        "reminder_workdays",
        "escalate_leader_workdays",
        "escalate_office_workdays",
    )


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(AuditedAdmin):
    list_display = ("title", "office", "interval_weeks", "weekday", "start_time", "is_active")
