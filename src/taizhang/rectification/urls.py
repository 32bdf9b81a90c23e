from django.urls import path

from taizhang.rectification.views import letters, lists, sectors

app_name = "rectification"
urlpatterns = [
    path("", lists.list_index, name="list"),
    path("lists/new/", lists.list_create, name="list_create"),
    path("lists/import/", lists.list_import, name="list_import"),
    path("lists/<int:pk>/", lists.list_detail, name="problem_list"),
    path("lists/<int:pk>/export.xlsx", lists.list_export, name="list_export"),
    path("measures/<int:pk>/", lists.measure_detail, name="measure"),
    path("measures/<int:pk>/progress/", lists.measure_progress, name="measure_progress"),
    path("measures/<int:pk>/review/", lists.measure_review, name="measure_review"),
    path("evidence/<int:pk>/", lists.evidence_download, name="evidence"),
    path("sectors/", sectors.sector_board, name="sectors"),
    path("letters/", letters.letter_list, name="letters"),
    path("letters/export.xlsx", letters.letter_export, name="letters_export"),
    path("letters/board/", letters.letter_board, name="board"),
    path("letters/new/", letters.letter_create, name="letter_create"),
    path("letters/cases/", letters.case_choices, name="case_choices"),
    path("letters/<int:pk>/", letters.letter_detail, name="letter"),
    path("letters/<int:pk>/reply/", letters.letter_reply, name="letter_reply"),
]
