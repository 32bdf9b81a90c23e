"""The real URLs plus one page that fails, for the error-page tests."""

from django.urls import path

from taizhang import urls as real


def boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("deliberate failure for the 500 page")


urlpatterns = [path("boom/", boom), path("report/boom/", boom), *real.urlpatterns]
for _name in ("handler400", "handler403", "handler404", "handler500"):
    if hasattr(real, _name):
        globals()[_name] = getattr(real, _name)
