"""The seized-assets ledger (涉案财产台账) as .xlsx, in the columns offices keep it in; streamed row by row."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.cases.choices import AssetKind, AssetMeasure, AssetStatus, Disposal
from taizhang.core.xlsx import XLSX, StreamBook

BATCH = 5000


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


_TEN_THOUSAND = Decimal(10_000)
_FOUR_PLACES = Decimal("0.0001")


def _wan(value: Decimal) -> float:
    return float((value / _TEN_THOUSAND).quantize(_FOUR_PLACES))


def _labels(choices: Any) -> dict[str, str]:
    return {code: str(label) for code, label in choices.choices}


def assets_response(qs: Any) -> FileResponse:
    """Write every asset of `qs` (already limited to visible cases) to a temporary file and send it."""
    # Labels translated once, not once a cell (lazy labels cost a gettext call each time they are read).
    kinds, measures = _labels(AssetKind), _labels(AssetMeasure)
    disposals, statuses = _labels(Disposal), _labels(AssetStatus)
    today = timezone.localdate()
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    book = StreamBook(out)
    sheet = book.sheet(_("涉案财产台账"), widths=[6, 18, 24, 10, 30])
    sheet.row(headers(), style="bold")
    sheet.freeze_header()
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
    for n, values in enumerate(rows, start=1):
        (number, name, kind, text, value, measure, custodian, on, disposal, who, by, done, status) = values
        overdue = status == AssetStatus.PLANNED and by is not None and by < today
        sheet.row(
            [
                n,
                number,
                name,
                kinds.get(kind, ""),
                text,
                _wan(value),
                measures.get(measure, ""),
                custodian,
                on,
                disposals.get(disposal, ""),
                who,
                by,
                _wan(done),
                _("逾期未处置") if overdue else statuses.get(status, ""),
            ]
        )
    book.close()
    out.seek(0)
    name = _("涉案财产台账") + today.strftime("%Y%m%d") + ".xlsx"
    response = FileResponse(out, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
