"""The whole URLconf of the internet portal site: the public pages under /report/ and nothing else."""

from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/report/", permanent=False)),
    path("report/", include("taizhang.portal.urls")),
]

handler400 = "taizhang.core.errorpages.bad_request"
handler403 = "taizhang.core.errorpages.permission_denied"
handler404 = "taizhang.core.errorpages.not_found"
handler500 = "taizhang.core.errorpages.server_error"
