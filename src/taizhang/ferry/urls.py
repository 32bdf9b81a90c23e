"""The ferry's staff page, mounted at /ferry/ on the ledger (never on the portal site)."""

from django.urls import path

from taizhang.ferry import views

app_name = "ferry"
urlpatterns = [path("", views.state, name="state")]
