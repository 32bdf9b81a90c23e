"""Importing a legacy ledger: upload, then a page that polls the job's progress (htmx) until it ends.

The import is a job row ("clues.import", taizhang/jobs) run by `taizhang worker` on any node; its progress
is on the job row and the final status and per-row errors on the ImportJob row, so any node answers the poll.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from taizhang.clues import imports
from taizhang.clues.forms import ImportForm
from taizhang.clues.models import ImportJob
from taizhang.clues.views.common import show_error
from taizhang.clues.views.register import _require_office
from taizhang.core import files
from taizhang.core.errors import ActionError


def start(job: ImportJob) -> None:
    """Queue the import for the worker (in the caller's transaction: the ImportJob and its job row together)."""
    from taizhang.jobs import runner

    runner.enqueue(
        "clues.import", user=job.created_by, params={"import_job": job.pk}, ref=imports.job_ref(job.pk)
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a legacy ledger; the file is checked at once (not an .xlsx, zip bomb) before a job starts."""
    _require_office(request)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            stored = files.store(upload_file.chunks(), max_bytes=imports.MAX_FILE_BYTES)
            with files.local_path(stored.storage_path) as path:
                imports.check_xlsx(path)
        except ActionError as exc:
            show_error(request, exc)
        else:
            with transaction.atomic():
                job = ImportJob.objects.create(
                    office=form.cleaned_data["office"],
                    created_by=request.user,  # type: ignore[misc]
                    original_name=files.safe_name(upload_file.name or "ledger.xlsx"),
                    sha256=stored.sha256,
                    storage_path=stored.storage_path,
                )
                start(job)
            return redirect("clues:import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by_id=request.user.pk)[:10]
    return render(request, "clues/import.html", {"form": form, "jobs": jobs})


def _own_job(request: HttpRequest, pk: int) -> ImportJob:
    # An import job is seen only by the person who started it.
    return get_object_or_404(ImportJob.objects.select_related("office"), pk=pk, created_by_id=request.user.pk)


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    _require_office(request)
    item = _own_job(request, pk)
    return render(request, "clues/import_job.html", _job_context(item))


@login_required
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the job page polls every second while the import runs."""
    if not request.user.is_authenticated:
        raise Http404()
    item = _own_job(request, pk)
    if item.is_finished and request.headers.get("HX-Request"):
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    return render(request, "clues/_import_progress.html", _job_context(item))


def _job_context(item: ImportJob) -> dict[str, object]:
    done, total = imports.progress(item)
    percent = int(done * 100 / total) if total else 0
    return {
        "job": item,
        "done": done,
        "total": total,
        "percent": percent,
        "bar": min(100, percent // 10 * 10),
    }
