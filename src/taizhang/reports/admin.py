"""Administrators extend the indicator catalogue, report types and assessment schemes."""

from django.contrib import admin

from taizhang.reports.models import AssessmentItem, AssessmentScheme, Indicator, ReportType


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit_label", "kind", "counts_persons", "is_active", "sort_order"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "variants"]


@admin.register(ReportType)
class ReportTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "period_kind", "due_day", "due_month_offset", "is_active"]
    filter_horizontal = ["indicators"]


class AssessmentItemInline(admin.TabularInline):
    model = AssessmentItem
    extra = 0


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "office", "year"]
    inlines = [AssessmentItemInline]
