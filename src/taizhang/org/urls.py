from django.urls import path

from taizhang.org import views

app_name = "org"
urlpatterns = [
    path("units/", views.unit_list, name="units"),
]
