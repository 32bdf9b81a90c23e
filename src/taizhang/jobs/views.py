"""The page where the person who started a job follows it: progress polled every second, then the outcome."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from taizhang.core import audit, files
from taizhang.core.errors import ActionError
from taizhang.jobs import registry
from taizhang.jobs.models import Job


def own_job(request: HttpRequest, pk: int) -> Job:
    # A job is seen only by the person who started it; anyone else gets 404.
    return get_object_or_404(Job, pk=pk, created_by_id=request.user.pk)


def context(job: Job) -> dict[str, object]:
    kind = registry.kinds().get(job.kind)
    return {
        "job": job,
        "label": kind.label if kind else job.kind,
        "percent": job.percent,
        "bar": min(100, job.percent // 10 * 10),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/job.html", context(own_job(request, pk)))


@login_required
def status(request: HttpRequest, pk: int) -> HttpResponse:
    """The fragment the page polls (htmx), or the job's state as JSON with Accept: application/json."""
    job = own_job(request, pk)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "id": job.pk,
                "status": job.status,
                "status_label": str(job.get_status_display()),
                "done": job.done,
                "total": job.total,
                "result": job.result,
                "error": job.error,
            }
        )
    if job.is_finished and request.headers.get("HX-Request"):
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    return render(request, "jobs/_progress.html", context(job))


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    """The document a finished job made (kept in the file store), for the person who started the job."""
    job = own_job(request, pk)
    path = job.result.get("storage_path") if job.status == "done" else None
    if not path:
        raise Http404()
    try:
        handle = files.open_file(path)
    except ActionError as exc:
        raise Http404() from exc
    audit.record(
        "jobs.download",
        actor=request.user,
        object_type="jobs.job",
        object_id=job.pk,
        after={"kind": job.kind},
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=job.result.get("name", "document"),
        content_type=job.result.get("content_type", "application/octet-stream"),
    )
