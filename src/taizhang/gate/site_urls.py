"""The whole URLconf of the internet portal site: the public pages under /report/ (reports, follow-up, the
survey) and nothing else."""

from django.urls import include, path
from django.views.generic import RedirectView

from taizhang.gate import survey_pages

urlpatterns = [
    path("", RedirectView.as_view(url="/report/", permanent=False)),
    # The public survey (the combined site has its own page under /publicity/answer/).
    path("report/survey/", survey_pages.survey_list, name="survey_list"),
    path("report/survey/<int:pk>/", survey_pages.survey_answer, name="survey_answer"),
    path("report/", include("taizhang.portal.urls")),
]

handler400 = "taizhang.core.errorpages.bad_request"
handler403 = "taizhang.core.errorpages.permission_denied"
handler404 = "taizhang.core.errorpages.not_found"
handler500 = "taizhang.core.errorpages.server_error"
