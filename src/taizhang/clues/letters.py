"""The transfer letter (移送函) as a .docx in the office layout (core/gongwen.py), from the transfer and its clue."""

from __future__ import annotations

from django.utils.translation import gettext as _

from taizhang.clues.choices import TransferKind
from taizhang.clues.models import Transfer
from taizhang.core.gongwen import Gongwen, date_text

# What the receiver is asked to do, by kind of transfer (how a 公文 writer words the request).
REQUESTS = {
    TransferKind.POLICE: _("请依法审查，决定是否立案侦查"),
    TransferKind.PROCURATORATE: _("请依法审查处理"),
    TransferKind.DISCIPLINE: _("请按照干部管理权限依规依纪依法处置"),
    TransferKind.REGULATOR: _("请依照职责调查处理"),
}


def transfer_letter(transfer: Transfer) -> bytes:
    """版头 and number, the receiver, the clue's number and summary, the finding, the request, the evidence list."""
    clue = transfer.clue
    doc = Gongwen()
    doc.header(clue.office.name, transfer.letter_number or "")
    doc.title(_("关于移送%(number)s号线索的函") % {"number": clue.number})
    doc.para(f"{transfer.receiver_unit.name}：")
    finding = clue.get_finding_result_display() if clue.finding_result else _("待定")
    subjects = "、".join(s.name for s in clue.subjects.all())
    request = REQUESTS.get(transfer.kind, _("请依法处理"))  # type: ignore[call-overload]
    doc.para(
        _(
            "%(received)s，我办受理了反映%(subjects)s%(summary)s问题的线索（编号%(number)s）。经%(unit)s核查，"
            "结论为“%(finding)s”。根据有关规定，现将该线索移送你单位，%(request)s，"
            "并于收到本函后及时登记受理，将受理情况和办理结果书面反馈我办。"
        )
        % {
            "received": date_text(clue.received_at),
            "number": clue.number,
            "subjects": subjects + "等" if subjects else "",
            "summary": clue.summary,
            "unit": clue.responsible_unit.name if clue.responsible_unit else _("责任单位"),
            "finding": finding,
            "request": request,
        },
        indent=True,
    )
    if transfer.note.strip():
        doc.para(transfer.note.strip(), indent=True)
    evidence = [x for x in transfer.evidence_list.splitlines() if x.strip()]
    if evidence:
        doc.para(_("附件：移送材料清单"), indent=True)
        doc.numbered(evidence)
    doc.signature(clue.office.name, transfer.sent_at)
    doc.para(_("（联系人：%(name)s）") % {"name": transfer.sent_by}, indent=True)
    return doc.bytes()
