"""The urging notice (催办单) as a .docx in the office layout (core/gongwen.py), rendered from its stored record
(so it can be reprinted)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from taizhang.core.gongwen import Gongwen, date_text
from taizhang.supervision.choices import step_label
from taizhang.supervision.models import UrgingNotice


def urging_docx(notice: UrgingNotice) -> bytes:
    """The 催办单 of a notice: 版头 and number, title, addressee, body, the overdue step and dates, signature."""
    doc = Gongwen()
    doc.header(notice.office.name, notice.number)
    doc.title(_("催 办 单"))
    doc.para(f"{notice.unit.name if notice.unit else notice.office.name}：")
    for line in [x.strip() for x in notice.body.splitlines() if x.strip()]:
        doc.para(line, indent=True)
    doc.para()
    doc.table(
        [
            (_("督办事项"), notice.target_label),
            (_("逾期环节"), step_label(notice.step) or "—"),
            (_("原办理时限"), date_text(notice.deadline_at) if notice.deadline_at else "—"),
            (_("回复期限"), date_text(notice.reply_by) if notice.reply_by else "—"),
        ]
    )
    doc.signature(notice.office.name, notice.issued_at)
    return doc.bytes()
