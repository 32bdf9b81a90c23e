from django.urls import path

from taizhang.search import views

app_name = "search"
urlpatterns = [
    path("", views.index, name="index"),
    path("duplicates/", views.duplicates_fragment, name="duplicates"),
    path("clues/<int:clue_id>/link/", views.link, name="link"),
    path("clues/<int:clue_id>/merge/", views.merge, name="merge"),
]
