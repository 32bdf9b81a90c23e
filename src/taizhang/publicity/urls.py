from django.urls import path

from taizhang.publicity import views

app_name = "publicity"
urlpatterns = [
    path("", views.index, name="index"),
    path("typical/new/", views.typical_new, name="typical_new"),
    path("typical/<int:pk>/", views.typical_detail, name="typical"),
    path("typical/<int:pk>/approve/", views.typical_approve, name="typical_approve"),
    path("typical/export.docx", views.typical_export, name="typical_export"),
    path("activities/", views.activity_list, name="activities"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/new/", views.survey_new, name="survey_new"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey"),
    path("surveys/<int:pk>/status/", views.survey_status, name="survey_status"),
    # The public page, on the portal side: anonymous, under the portal's limits and proof-of-work.
    path("answer/<int:pk>/", views.public_answer, name="answer"),
]
