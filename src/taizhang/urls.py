"""Root URLs: each app under its own prefix, the API under /api/, the public portal under /report/."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from taizhang.api import api

urlpatterns = [
    path("", include("taizhang.core.urls")),
    path("accounts/", include("taizhang.accounts.urls")),
    path("org/", include("taizhang.org.urls")),
    path("clues/", include("taizhang.clues.urls")),
    path("supervision/", include("taizhang.supervision.urls")),
    path("cases/", include("taizhang.cases.urls")),
    path("publicity/", include("taizhang.publicity.urls")),
    path("rectification/", include("taizhang.rectification.urls")),
    path("reports/", include("taizhang.reports.urls")),
    path("search/", include("taizhang.search.urls")),
    path("figures/", include("taizhang.figures.urls")),
    path("reporters/", include("taizhang.reporters.urls")),
    path("report/", include("taizhang.portal.urls")),
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

# Under /api/ even a path no operation matches answers {"code", "message"}.
handler404 = "taizhang.core.views.not_found"
handler500 = "taizhang.core.views.server_error"
