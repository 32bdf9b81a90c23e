"""Approved typical cases as one Word document in the office layout (core/gongwen.py)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.core.gongwen import Gongwen
from taizhang.publicity.models import TypicalCase

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def typical_docx(rows: list[TypicalCase], office: str = "") -> bytes:
    """Title, then each case as a 黑体 heading (案例一：…) and its de-identified summary, then the signature."""
    doc = Gongwen()
    doc.title(_("扫黑除恶典型案例"))
    for index, typical in enumerate(rows, start=1):
        label = _("案例%(n)s：%(t)s") % {"n": _chinese_number(index), "t": typical.title}
        if typical.listed:
            label += _("（挂牌督办）")
        doc.heading(label)
        for text in typical.summary.splitlines():
            if text.strip():
                doc.para(text.strip(), indent=True)
    doc.signature(office, timezone.localdate())
    return doc.bytes()


def _chinese_number(n: int) -> str:
    import cn2an

    return str(cn2an.an2cn(n))


def typical_response(rows: list[TypicalCase], office: str = "") -> HttpResponse:
    response = HttpResponse(typical_docx(rows, office), content_type=DOCX)
    name = _("典型案例") + timezone.localdate().strftime("%Y%m%d") + ".docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
