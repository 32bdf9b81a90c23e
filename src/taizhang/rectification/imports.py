"""Import a problem list from .xlsx (序号, 问题, 整改措施, 责任单位, 责任人, 完成时限, 进展情况, 是否销号).

All or nothing: every row is validated first and every error is reported with its row number, in Chinese;
only a clean file is written, through the same action as a list entered by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from taizhang.core.errors import ActionError
from taizhang.core.uploads import check_ooxml
from taizhang.org.models import Unit, User
from taizhang.rectification.actions import MeasureData

COLUMNS = ["序号", "问题", "整改措施", "责任单位", "责任人", "完成时限", "进展情况", "是否销号"]
YES = {"是", "已销号", "√", "y", "yes", "1"}
NO = {"", "否", "未销号", "n", "no", "0"}
MAX_ROWS = 2000
MAX_FILE_BYTES = 20 * 1024 * 1024
_SPLIT = re.compile(r"[、，,;；/\s]+")


@dataclass
class ImportResult:
    """Parsed rows ready for the action, or the row errors that stop the import."""

    rows: list[MeasureData] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = (
        str(value or "")
        .strip()
        .replace("年", "-")
        .replace("月", "-")
        .replace("日", "")
        .replace("/", "-")
        .replace(".", "-")
    )
    try:
        return dt.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        return None


def _units() -> dict[str, Unit]:
    found: dict[str, Unit] = {}
    for unit in Unit.objects.filter(is_active=True):
        found[unit.name] = unit
        if unit.short_name:
            found.setdefault(unit.short_name, unit)
    return found


def parse(handle: IO[bytes]) -> ImportResult:
    """Read and validate the workbook's first sheet; nothing is written here."""
    result = ImportResult()
    try:
        check_ooxml(handle, "xlsx")  # refuse a zip bomb before openpyxl inflates it
    except ActionError as exc:
        result.errors.append(exc.message)
        return result
    try:
        from openpyxl import load_workbook  # loaded by an import, not by every server process

        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        result.errors.append(_("无法读取文件，请上传 .xlsx 格式的问题清单。"))
        return result
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    if not rows or [str(c or "").strip() for c in rows[0][: len(COLUMNS)]] != COLUMNS:
        result.errors.append(_("表头须为：%(cols)s") % {"cols": "、".join(COLUMNS)})
        return result
    if len(rows) - 1 > MAX_ROWS:
        result.errors.append(_("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS})
        return result
    units = _units()
    people = {}
    for user in User.objects.filter(is_active=True).exclude(display_name=""):
        people[(user.unit_id, user.display_name)] = user
    problem = ""
    for number, raw in enumerate(rows[1:], start=2):
        cells = [("" if c is None else c) for c in (list(raw) + [None] * len(COLUMNS))[: len(COLUMNS)]]
        if all(str(c).strip() == "" for c in cells):
            continue
        _seq, text, measure, unit_text, person, deadline, progress, done = cells
        problems: list[str] = []
        problem = str(text).strip() or problem  # a merged 问题 cell leaves the following rows empty
        if not problem:
            problems.append(_("“问题”不能为空"))
        if not str(measure).strip():
            problems.append(_("“整改措施”不能为空"))
        names = [n for n in _SPLIT.split(str(unit_text).strip()) if n]
        unknown = [n for n in names if n not in units]
        if not names:
            problems.append(_("“责任单位”不能为空"))
        elif unknown:
            problems.append(_("找不到责任单位“%(u)s”") % {"u": "、".join(unknown)})
        due = _date(deadline)
        if due is None:
            problems.append(_("“完成时限”不是有效日期（例如 2026-06-30）"))
        flag = str(done).strip().lower()
        if flag not in YES | NO:
            problems.append(_("“是否销号”只能填“是”或“否”"))
        if problems:
            result.errors.append(
                _("第%(row)s行：%(errors)s") % {"row": number, "errors": "；".join(problems)}
            )
            continue
        unit_list = [units[n] for n in names]
        person_name = str(person).strip()
        matched = next(
            (people[(u.pk, person_name)] for u in unit_list if (u.pk, person_name) in people), None
        )
        assert due is not None
        result.rows.append(
            MeasureData(
                problem=problem,
                description=str(measure).strip(),
                deadline=due,
                units=unit_list,
                person=matched,
                person_name=person_name,
                progress=str(progress).strip(),
                signed_off=flag in YES,
            )
        )
    if not result.rows and not result.errors:
        result.errors.append(_("文件中没有整改措施。"))
    return result
