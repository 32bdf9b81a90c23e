"""The seized-assets ledger (涉案财产台账) as .xlsx, in the columns offices keep it in; streamed row by row."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.cases.choices import AssetKind, AssetMeasure, AssetStatus, Disposal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BATCH = 5000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A text cell can never become a formula (=HYPERLINK(...) arrives as text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def headers() -> list[str]:
    return [
        _("序号"),
        _("案件编号"),
        _("案件名称"),
        _("财产类别"),
        _("财产描述"),
        _("价值（万元）"),
        _("强制措施"),
        _("保管单位"),
        _("采取措施日期"),
        _("处置方式"),
        _("处置责任人"),
        _("处置期限"),
        _("已处置（万元）"),
        _("状态"),
    ]


def _wan(value: Decimal) -> float:
    return float((value / 10_000).quantize(Decimal("0.0001")))


def assets_response(qs: Any) -> FileResponse:
    """Write every asset of `qs` (already limited to visible cases) to a temporary file and send it."""
    kinds, measures = dict(AssetKind.choices), dict(AssetMeasure.choices)
    disposals, statuses = dict(Disposal.choices), dict(AssetStatus.choices)
    today = timezone.localdate()
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet(_("涉案财产台账")[:31])
    bold = book.add_format({"bold": True})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    late = book.add_format({"num_format": "yyyy-mm-dd", "font_color": "#C00000"})
    sheet.write_row(0, 0, headers(), bold)
    fields = (
        "case__number",
        "case__name",
        "kind",
        "description",
        "value",
        "measure",
        "custodian__name",
        "measured_on",
        "disposal",
        "responsible",
        "dispose_by",
        "disposed_amount",
        "status",
    )
    rows = qs.order_by("case_id", "id").values_list(*fields).iterator(chunk_size=BATCH)
    for row, values in enumerate(rows, start=1):
        (number, name, kind, text, value, measure, custodian, on, disposal, who, by, done, status) = values
        sheet.write_number(row, 0, row)
        sheet.write_string(row, 1, cell(number))
        sheet.write_string(row, 2, cell(name))
        sheet.write_string(row, 3, str(kinds.get(kind, "")))
        sheet.write_string(row, 4, cell(text))
        sheet.write_number(row, 5, _wan(value))
        sheet.write_string(row, 6, str(measures.get(measure, "")))
        sheet.write_string(row, 7, cell(custodian))
        sheet.write_datetime(row, 8, on, date) if on else sheet.write_blank(row, 8, None)
        sheet.write_string(row, 9, str(disposals.get(disposal, "")))
        sheet.write_string(row, 10, cell(who))
        if by:
            sheet.write_datetime(row, 11, by, late if status == AssetStatus.PLANNED and by < today else date)
        else:
            sheet.write_blank(row, 11, None)
        sheet.write_number(row, 12, _wan(done))
        sheet.write_string(row, 13, str(statuses.get(status, "")))
    book.close()
    out.seek(0)
    name = _("涉案财产台账") + today.strftime("%Y%m%d") + ".xlsx"
    response = FileResponse(out, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
