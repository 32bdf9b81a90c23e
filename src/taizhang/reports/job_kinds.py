"""Report jobs run by the worker: the quarterly bulletin as PDF (LibreOffice takes seconds to a minute).

The bulletin is gathered as the person who asked for it (their visibility), rendered, converted, and kept
in the file store (`default_storage`), so the download works from any node; only that person may fetch it.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.core import files
from taizhang.core.errors import ActionError
from taizhang.jobs.registry import JobKind, Progress

PDF_MAX_BYTES = 50 * 1024 * 1024


def _bulletin_pdf(job: Any, progress: Progress) -> dict[str, Any]:
    from taizhang.org.models import Unit
    from taizhang.reports import bulletin
    from taizhang.reports.choices import PeriodKind
    from taizhang.reports.periods import Period

    params = job.params
    if job.created_by is None:
        raise ActionError("no_owner", _("该任务没有发起人，无法生成通报。"))
    office = Unit.objects.visible_to(job.created_by).filter(pk=params["office"]).first()
    if office is None:
        raise ActionError("not_visible", _("您已无权查看该单位，通报未生成。"))
    period = Period.parse(PeriodKind.QUARTER, params["period"])
    progress(0, 3)
    data = bulletin.gather(job.created_by, office, period, params.get("number", ""))
    progress(1, 3)
    pdf = bulletin.to_pdf(bulletin.render_docx(data))
    if pdf is None:
        raise ActionError("no_soffice", _("服务器未安装 LibreOffice，暂不能生成 PDF，请下载 Word 版本。"))
    progress(2, 3)
    stored = files.store([pdf], max_bytes=PDF_MAX_BYTES, prefix="generated/")
    name = f"{data.number}{period.label}通报.pdf"
    return {
        "storage_path": stored.storage_path,
        "sha256": stored.sha256,
        "name": name,
        "content_type": "application/pdf",
        "download": reverse("jobs:download", args=[job.pk]),
        "message": _("通报已生成：%(n)s") % {"n": name},
    }


# Gathering and converting writes nothing but the file: running it again is harmless.
KINDS = [JobKind(name="reports.bulletin", label=gettext_lazy("生成季度通报（PDF）"), run=_bulletin_pdf)]
