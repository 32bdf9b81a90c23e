"""Root URLs: each app under its own prefix, the API under /api/, the public portal under /report/."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.http import urlencode
from django.views.i18n import set_language

from taizhang import health
from taizhang.api import api


def _admin_sign_in(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """The admin has no sign-in form of its own: it sends people to the one sign-in, with its lock-out and
    second factor (a separate form would be a way around both)."""
    target = request.GET.get("next") or "/admin/"
    return redirect("/accounts/login/?" + urlencode({"next": target}))


admin.site.login = _admin_sign_in  # type: ignore[method-assign]

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
    path("drives/", include("taizhang.drives.urls")),
    path("reviews/", include("taizhang.reviews.urls")),
    path("people/", include("taizhang.people.urls")),
    path("ferry/", include("taizhang.ferry.urls")),
    path("exchange/", include("taizhang.exchange.urls")),
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("jobs/", include("taizhang.jobs.urls")),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
]
# The public pages live here only on the combined site; a separate ledger site takes reports over the ferry.
if settings.SITE == "combined":
    urlpatterns.append(path("report/", include("taizhang.portal.urls")))

# Under /api/ even a path no operation matches answers {"code", "message"}.
handler400 = "taizhang.core.errorpages.bad_request"
handler403 = "taizhang.core.errorpages.permission_denied"
handler404 = "taizhang.core.errorpages.not_found"
handler500 = "taizhang.core.errorpages.server_error"
