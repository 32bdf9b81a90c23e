"""The exchange's staff page, mounted at /exchange/."""

from django.urls import path

from taizhang.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.state, name="state"),
    path("conflicts/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("partners/<int:pk>/accept-gap/", views.accept_gap, name="accept_gap"),
    path("partners/<int:pk>/revoke-key/", views.revoke_key, name="revoke_key"),
    path("partners/<int:pk>/leave/", views.leave, name="leave"),
]
