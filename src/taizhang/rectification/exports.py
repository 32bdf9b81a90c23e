"""Exports (.xlsx, "export what I see"): letters with the list's filters, and a problem list in the usual layout."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.core.xlsx import xlsx_response
from taizhang.rectification.imports import COLUMNS
from taizhang.rectification.models import LetterQuerySet, MeasureQuerySet, ProblemList


def letters_response(qs: LetterQuerySet) -> HttpResponse:
    headers = [
        _("文书类型"),
        _("文号"),
        _("发出单位"),
        _("接收单位"),
        _("所涉案件"),
        _("发出日期"),
        _("指出的问题"),
        _("回复期限"),
        _("状态"),
        _("回复时间"),
        _("回复内容"),
    ]
    rows = (
        [
            letter.letter_type.name,
            letter.number,
            letter.issuer_unit.name,
            letter.recipient_unit.name,
            letter.case.name if letter.case else "",
            letter.issued_on,
            letter.problems,
            timezone.localtime(letter.reply_due_at).date(),
            _("逾期未复") if letter.is_overdue else letter.get_status_display(),
            timezone.localtime(letter.replied_at).strftime("%Y-%m-%d %H:%M") if letter.replied_at else "",
            letter.reply,
        ]
        for letter in qs.select_related("letter_type", "issuer_unit", "recipient_unit", "case").order_by(
            "issued_on", "id"
        )
    )
    name = _("三书一函台账") + timezone.localdate().strftime("%Y%m%d") + ".xlsx"
    return xlsx_response(name, _("三书一函"), headers, rows)


def problem_list_response(problem_list: ProblemList, measures: MeasureQuerySet) -> HttpResponse:
    """The list in the layout it is imported in; only the measures the person may see."""
    rows = (
        [
            m.problem.seq,
            m.problem.description,
            m.description,
            "、".join(u.name for u in m.units.all()),
            m.responsible_label,
            m.deadline,
            m.progress,
            _("是") if m.status == "signed_off" else _("否"),
        ]
        for m in measures.select_related("problem", "person").prefetch_related("units")
    )
    return xlsx_response(f"{problem_list.title}.xlsx", _("问题清单"), list(COLUMNS), rows)
