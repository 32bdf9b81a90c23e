"""The transfer letter (移送函) as a .docx, generated from the transfer record and its clue."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from taizhang.clues.models import Transfer


def transfer_letter(transfer: Transfer) -> bytes:
    """A plain, printable letter: receiver, the clue's number and summary, the finding, the evidence list."""
    clue = transfer.clue
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(14)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(f"{clue.office.name}\n{_('线索移送函')}")
    run.bold = True
    run.font.size = Pt(20)
    number = doc.add_paragraph(transfer.letter_number or "")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"{transfer.receiver_unit.name}：")
    finding = clue.get_finding_result_display() if clue.finding_result else _("待定")
    subjects = "、".join(s.name for s in clue.subjects.all())
    doc.add_paragraph(
        _(
            "　　我办于%(received)s受理的第%(number)s号线索，反映%(subjects)s%(summary)s的问题，"
            "经%(unit)s核查，结论为“%(finding)s”。根据有关规定，现将该线索%(kind)s你单位依法处理，"
            "请于收到本函后及时登记受理，并将受理情况和办理结果反馈我办。"
        )
        % {
            "received": timezone.localtime(clue.received_at).strftime("%Y年%m月%d日"),
            "number": clue.number,
            "subjects": subjects + "等" if subjects else "",
            "summary": clue.summary,
            "unit": clue.responsible_unit.name if clue.responsible_unit else _("责任单位"),
            "finding": finding,
            "kind": transfer.get_kind_display(),
        }
    )
    if transfer.note:
        doc.add_paragraph("　　" + transfer.note)
    if transfer.evidence_list:
        doc.add_paragraph(_("　　附：移送材料清单"))
        for i, line in enumerate([x for x in transfer.evidence_list.splitlines() if x.strip()], start=1):
            doc.add_paragraph(f"　　{i}. {line.strip()}")
    doc.add_paragraph("")
    sign = doc.add_paragraph(
        f"{clue.office.name}\n{timezone.localtime(transfer.sent_at).strftime('%Y年%m月%d日')}"
    )
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(_("（联系人：%(name)s）") % {"name": transfer.sent_by})
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
