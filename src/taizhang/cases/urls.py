from django.urls import path

from taizhang.cases import views

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
]
