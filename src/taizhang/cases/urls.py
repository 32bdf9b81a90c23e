from django.urls import path

from taizhang.cases import followup_views, suspect_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("export.xlsx", views.case_export, name="export"),
    path("screening/", views.screening_board, name="screening"),
    path("new/", views.case_form, name="create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_form, name="edit"),
    path("<int:pk>/stage/", views.case_stage, name="stage"),
    path("<int:pk>/judgment/", views.case_judgment, name="judgment"),
    path("<int:pk>/screen/", views.case_screen, name="screen"),
    path("<int:pk>/conclude/", views.case_conclude, name="conclude"),
    path("<int:pk>/reopen/", views.case_reopen, name="reopen"),
    path("checks/", followup_views.checks_board, name="checks"),
    path("accountability/", followup_views.accountability_list, name="accountability"),
    path("assets/", followup_views.assets_list, name="assets"),
    path("assets/export.xlsx", followup_views.assets_export, name="assets_export"),
    path("<int:pk>/check/conclude/", followup_views.check_conclude, name="check_conclude"),
    path("<int:pk>/check/reopen/", followup_views.check_reopen, name="check_reopen"),
    path("<int:pk>/accountability/", followup_views.accountability_add, name="accountability_add"),
    path("<int:pk>/assets/add/", followup_views.asset_add, name="asset_add"),
    path("<int:pk>/assets/plan/", followup_views.asset_plan, name="asset_plan"),
    path("<int:pk>/assets/dispose/", followup_views.asset_dispose, name="asset_dispose"),
    path("<int:pk>/suspects/add/", suspect_views.suspect_add, name="suspect_add"),
    path("<int:pk>/suspects/edit/", suspect_views.suspect_edit, name="suspect_edit"),
]
