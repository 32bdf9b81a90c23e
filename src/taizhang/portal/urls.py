"""Public portal routes, mounted at /report/."""

from django.urls import path

from taizhang.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.report, name="report"),
    path("new/receipt/", views.receipt, name="receipt"),
    path("follow-up/", views.followup, name="followup"),
    path("follow-up/thread/", views.thread, name="thread"),
    path("follow-up/message/", views.add_message, name="message"),
    path("follow-up/close/", views.close, name="close"),
]
