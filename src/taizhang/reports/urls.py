"""Pages of reports: filing (报送), figures, dashboard (统计), bulletin, summary sheet, assessment."""

from django.urls import path

from taizhang.reports.views import filing, from_below, stats

app_name = "reports"
urlpatterns = [
    path("", filing.index, name="index"),
    path("open/", filing.open_report, name="open"),
    path("<int:pk>/", filing.detail, name="detail"),
    path("<int:pk>/<str:name>/", filing.step, name="step"),
    path("from-below/<int:pk>/", from_below.detail, name="from_below"),
    path("figures/", stats.figures, name="figures"),
    path("dashboard/", stats.dashboard_page, name="dashboard"),
    path("dashboard/data/", stats.dashboard_data, name="dashboard_data"),
    path("bulletin/", stats.bulletin_page, name="bulletin"),
    path("bulletin/notes/", stats.note_add, name="note_add"),
    path("summary.xlsx", stats.summary_xlsx, name="summary_xlsx"),
    path("assessment/", stats.assessment_page, name="assessment"),
    path("assessment/<int:scheme_id>/deductions/", stats.deduction_add, name="deduction_add"),
]
