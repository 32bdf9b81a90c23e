from django.urls import path

from taizhang.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<int:pk>/", views.detail, name="job"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/download/", views.download, name="download"),
]
