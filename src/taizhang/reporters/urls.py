"""Staff routes about reporters, mounted at /reporters/."""

from django.urls import path

from taizhang.reporters import views

app_name = "reporters"
urlpatterns = [
    path("clues/<int:clue_id>/", views.clue, name="clue"),
    path("clues/<int:clue_id>/reveal/", views.reveal, name="reveal"),
    path("clues/<int:clue_id>/reply/", views.reply, name="reply"),
    path("clues/<int:clue_id>/read/", views.mark_read, name="mark_read"),
    path("clues/<int:clue_id>/outcome/", views.outcome, name="outcome"),
    path("clues/<int:clue_id>/feedback/", views.feedback, name="feedback"),
]
