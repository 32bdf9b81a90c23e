"""The exchange's staff page, mounted at /exchange/."""

from django.urls import path

from taizhang.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.state, name="state"),
    path("conflicts/<int:pk>/resolve/", views.resolve, name="resolve"),
]
