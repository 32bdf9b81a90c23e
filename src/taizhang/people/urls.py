from django.urls import path

from taizhang.people import views

app_name = "people"
urlpatterns = [
    path("", views.entity_list, name="list"),
    path("leads/", views.leads_board, name="leads"),
    path("hint/", views.registration_hint, name="hint"),
    path("candidates/", views.candidates, name="candidates"),
    path("candidates/<int:pk>/confirm/", views.candidate_confirm, name="candidate_confirm"),
    path("candidates/<int:pk>/reject/", views.candidate_reject, name="candidate_reject"),
    path("merges/<int:pk>/unmerge/", views.unmerge, name="unmerge"),
    path("<int:pk>/", views.entity_detail, name="entity"),
    path("<int:pk>/relations/", views.relation_add, name="relation_add"),
    path("<int:pk>/graph/", views.graph_page, name="graph"),
    path("<int:pk>/graph.json", views.graph_data, name="graph_data"),
    path("<int:pk>/graph.xlsx", views.graph_export, name="graph_export"),
]
