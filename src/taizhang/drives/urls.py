from django.urls import path

from taizhang.drives.views import pages

app_name = "drives"
urlpatterns = [
    path("", pages.drive_list, name="list"),
    path("new/", pages.drive_create, name="create"),
    path("<int:pk>/", pages.drive_detail, name="detail"),
    path("<int:pk>/close/", pages.drive_close, name="close"),
    path("<int:pk>/records/", pages.drive_records, name="records"),
    path("returns/<int:pk>/", pages.return_file, name="return_file"),
    path("findings/<int:pk>/register/", pages.finding_register, name="finding_register"),
    path("findings/<int:pk>/rectify/", pages.finding_rectify, name="finding_rectify"),
    path("rounds/<int:pk>/close/", pages.round_close, name="round_close"),
]
