"""Import a legacy ledger .xlsx (the export's layout): checked file, every row validated, all or nothing.

Pipeline: check the file is a real, reasonably sized .xlsx (no zip bombs) → read and validate every row →
if any row is wrong, report every error in Chinese and write nothing → otherwise, in ONE transaction, each new
row goes through the real actions (register, then triage when a category is given, then assign when a unit is
given), with the importing person as the actor. A row already imported (same Clue.import_key) is skipped, so
importing the same file twice creates no duplicates. Legacy status, finding, transfer and conclusion are kept
verbatim in the clue's facts (原台账记载), and the office carries the clue on from there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from taizhang.clues import actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import Category, Channel, ClueStatus, FindingResult
from taizhang.clues.exports import COLUMNS
from taizhang.clues.models import Clue, ImportJob
from taizhang.core import audit, files
from taizhang.core.errors import ActionError, NotVisible
from taizhang.org.models import Sector, Unit, User

log = logging.getLogger("taizhang.clues.imports")

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_RATIO = 200
MAX_ROWS = 50_000
_SPLIT = re.compile(r"[、,，;；/\n]+")


class ImportRefused(ActionError):
    """The file itself is refused (not an .xlsx, too big once unpacked, wrong columns)."""


def check_xlsx(path: Path) -> None:
    """Refuse anything that is not a plain .xlsx of a sane size before a parser touches it."""
    not_xlsx = ImportRefused("not_xlsx", _("文件不是有效的 Excel 工作簿（.xlsx），请另存为 .xlsx 后重试。"))
    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            raise not_xlsx
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise not_xlsx from exc
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise not_xlsx
    bomb = ImportRefused("zip_bomb", _("文件解压后体积异常（疑似压缩炸弹），已拒绝导入。"))
    if len(infos) > MAX_ZIP_ENTRIES:
        raise bomb
    # zipfile never inflates past an entry's declared size, so bounding the declared sizes bounds the work.
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        raise bomb
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise bomb


@dataclass
class LegacyRow:
    """One validated row of a legacy ledger."""

    row: int
    number: str
    channel: str
    received_at: dt.datetime
    subjects: list[str]
    summary: str
    category: str
    sector: Sector | None
    unit: Unit | None
    person_name: str
    deadline: dt.datetime | None
    legacy_note: str
    key: str = ""
    errors: list[dict[str, Any]] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().lstrip("'")


_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y.%m.%d")


def parse_when(value: Any) -> dt.datetime | None:
    """A cell as an aware datetime (Asia/Shanghai): Excel dates, ISO-like text or 2024年3月5日."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        return timezone.make_aware(dt.datetime.combine(value, dt.time(9, 0)))
    text = _text(value)
    match = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if match:
        y, m, d = (int(g) for g in match.groups())
        try:
            return timezone.make_aware(dt.datetime(y, m, d, 9, 0))
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt.count("%H") == 0:
            parsed = parsed.replace(hour=9)
        return timezone.make_aware(parsed)
    return None


def _lookup(choices: Any) -> dict[str, str]:
    # Legacy ledgers are written in Chinese whatever language the importing person's pages are in: accept the
    # Simplified Chinese label, the label in the active language and the stored value.
    with translation.override("zh-hans"):
        table = {str(label): value for value, label in choices}
    table.update({str(label): value for value, label in choices})
    table.update({value: value for value, _label in choices})
    return table


class RowReader:
    """Validates rows against the reference data of one office (looked up once, not per row)."""

    def __init__(self, office: Unit) -> None:
        self.office = office
        self.channels = _lookup(Channel.choices)
        self.categories = _lookup(Category.choices)
        self.statuses = _lookup(ClueStatus.choices)
        self.findings = _lookup(FindingResult.choices)
        self.sectors = {s.name: s for s in Sector.objects.all()}
        units = Unit.objects.filter(path__startswith=office.path, is_active=True)
        self.units = {**{u.short_name: u for u in units if u.short_name}, **{u.name: u for u in units}}

    def read(self, row_no: int, cells: dict[str, Any]) -> LegacyRow:
        errors: list[dict[str, Any]] = []

        def err(column: str, message: str) -> None:
            errors.append({"row": row_no, "column": column, "message": message})

        channel = self.channels.get(_text(cells.get("来源")), "")
        if not channel:
            err(
                "来源", _("来源「%(v)s」不在规定的线索来源中。") % {"v": _text(cells.get("来源")) or "（空）"}
            )
        received = parse_when(cells.get("受理时间"))
        if received is None:
            err("受理时间", _("受理时间为空或不是日期（应如 2024-03-05）。"))
        elif received > timezone.now():
            err("受理时间", _("受理时间晚于今天。"))
        subjects = [s.strip() for s in _SPLIT.split(_text(cells.get("被举报人"))) if s.strip()]
        if not subjects:
            err("被举报人", _("被举报人不能为空。"))
        summary = _text(cells.get("主要问题"))
        if not summary:
            err("主要问题", _("主要问题不能为空。"))
        elif len(summary) > 200:
            err("主要问题", _("主要问题超过200字。"))
        category = ""
        if _text(cells.get("类别")):
            category = self.categories.get(_text(cells.get("类别")), "")
            if not category:
                err(
                    "类别",
                    _("类别「%(v)s」应为涉黑、涉恶、保护伞、乱点或其他。") % {"v": _text(cells.get("类别"))},
                )
        sector = None
        if _text(cells.get("行业领域")):
            sector = self.sectors.get(_text(cells.get("行业领域")))
            if sector is None:
                err(
                    "行业领域",
                    _("行业领域「%(v)s」不在系统的行业领域中。") % {"v": _text(cells.get("行业领域"))},
                )
        unit = None
        if _text(cells.get("责任单位")):
            unit = self.units.get(_text(cells.get("责任单位")))
            if unit is None:
                err(
                    "责任单位",
                    _("责任单位「%(v)s」不是本机关管辖的单位。") % {"v": _text(cells.get("责任单位"))},
                )
            elif not category:
                err("类别", _("已填责任单位的线索须填写类别（先分流后交办）。"))
        deadline = None
        if _text(cells.get("办理时限")):
            deadline = parse_when(cells.get("办理时限"))
            if deadline is None:
                err("办理时限", _("办理时限不是日期。"))
        status_text = _text(cells.get("办理状态"))
        if status_text and status_text not in self.statuses:
            err("办理状态", _("办理状态「%(v)s」无法识别。") % {"v": status_text})
        finding_text = _text(cells.get("核查结论"))
        if finding_text and finding_text not in self.findings:
            err("核查结论", _("核查结论「%(v)s」应为查实、部分查实、查否或无法核实。") % {"v": finding_text})
        concluded = _text(cells.get("办结时间"))
        if concluded and parse_when(concluded) is None and not isinstance(cells.get("办结时间"), dt.date):
            err("办结时间", _("办结时间不是日期。"))
        legacy = [
            f"{name}：{_text(cells.get(name))}"
            for name in ("线索编号", "办理状态", "核查结论", "移交情况", "办结时间", "责任人")
            if _text(cells.get(name))
        ]
        number = _text(cells.get("线索编号"))[:60]
        row = LegacyRow(
            row=row_no,
            number=number,
            channel=channel,
            received_at=received or timezone.now(),
            subjects=subjects,
            summary=summary[:200],
            category=category,
            sector=sector,
            unit=unit,
            person_name=_text(cells.get("责任人")),
            deadline=deadline,
            legacy_note=_("原台账记载：") + "；".join(legacy) if legacy else "",
            errors=errors,
        )
        basis = number or "|".join([str(received), "、".join(subjects), summary])
        row.key = hashlib.sha256(f"{self.office.pk}|{basis}".encode()).hexdigest()
        return row


def read_workbook(path: Path, office: Unit) -> tuple[list[LegacyRow], list[dict[str, Any]]]:
    """Every data row of the first sheet, validated; the errors of all rows (empty when all are good)."""
    from openpyxl import load_workbook

    check_xlsx(path)
    handle = path.open("rb")  # stored files have no extension, which openpyxl insists on for a path
    try:
        wb = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        handle.close()
        raise ImportRefused("not_xlsx", _("无法读取该工作簿：文件已损坏或不是 .xlsx。")) from exc
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = [_text(v) for v in next(it, ())]
        missing = [name for name in ("来源", "受理时间", "被举报人", "主要问题") if name not in header]
        if missing:
            raise ImportRefused(
                "bad_columns",
                _("第1行须为台账表头（%(cols)s），缺少：%(missing)s。")
                % {"cols": "、".join(COLUMNS), "missing": "、".join(missing)},
            )
        reader = RowReader(office)
        rows: list[LegacyRow] = []
        errors: list[dict[str, Any]] = []
        for row_no, values in enumerate(it, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportRefused("too_many_rows", _("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS})
            row = reader.read(row_no, dict(zip(header, values, strict=False)))
            rows.append(row)
            errors.extend(row.errors)
    finally:
        wb.close()
        handle.close()
    return rows, errors


def write_rows(
    rows: list[LegacyRow], office: Unit, actor: User, report: Callable[[int], None]
) -> tuple[int, int, list[dict[str, Any]]]:
    """Write the new rows through the actions in ONE transaction; any failing row rolls all of them back."""
    created = skipped = 0
    errors: list[dict[str, Any]] = []
    existing = set(
        Clue.objects.filter(import_key__in=[r.key for r in rows]).values_list("import_key", flat=True)
    )
    people = {(u.unit_id, str(u)): u for u in User.objects.filter(unit__path__startswith=office.path)}
    # The audit entries are chained at the end (audit.deferred): the chain's head is not held for the whole
    # import, so other people's sign-ins and portal messages go on meanwhile (PostgreSQL; SQLite has one
    # writer at a time whatever we do).
    with transaction.atomic(), audit.deferred():
        for i, row in enumerate(rows, start=1):
            if row.key in existing:
                skipped += 1
                report(i)
                continue
            existing.add(row.key)
            try:
                # A savepoint per row lets the import go on to report every failing row; the outer
                # transaction is rolled back below if any failed, so nothing is written.
                with transaction.atomic():
                    _write_row(row, office, actor, people)
            except NotVisible:
                # Registered, but out of the importer's sight (a 保护伞 clue seen only by leaders).
                message = _("该行为涉保护伞线索，登记后仅办公室领导和纪委监委可见，须由办公室领导导入。")
                errors.append({"row": row.row, "column": "类别", "message": message})
            except ActionError as exc:
                errors.append({"row": row.row, "column": "", "message": exc.message})
            else:
                created += 1
            report(i)
        if errors:
            transaction.set_rollback(True)
            return 0, 0, errors
    return created, skipped, errors


def _write_row(row: LegacyRow, office: Unit, actor: User, people: dict[tuple[int | None, str], User]) -> None:
    facts = row.summary + ("\n" + row.legacy_note if row.legacy_note else "")
    clue = actions.do_register_clue(
        actor=actor,
        office=office,
        channel=row.channel,
        received_at=row.received_at,
        summary=row.summary,
        facts=facts,
        subjects=[SubjectData(name=name[:100]) for name in row.subjects],
        sector=row.sector,
        source_ref=row.number,
        import_key=row.key,
    )
    audit.record("clue.import", actor=actor, obj=clue, after={"row": row.row, "legacy_number": row.number})
    if row.category:
        actions.do_triage_clue(clue.pk, actor=actor, in_scope=True, category=row.category, sector=row.sector)
    if row.unit is not None:
        person = people.get((row.unit.pk, row.person_name)) if row.person_name else None
        due = row.deadline if row.deadline and row.deadline > timezone.now() else None
        actions.do_assign_clue(
            clue.pk,
            actor=actor,
            unit=row.unit,
            person=person,
            due=due,
            instructions=_("原台账责任人：%(p)s") % {"p": row.person_name}
            if row.person_name and not person
            else "",
        )


def run_import(job_id: int, progress: Callable[[int, int], None] | None = None) -> ImportJob:
    """Run one import job to the end (by the worker, as the job kind "clues.import"; directly by tests).

    `progress(done, total)` is told how far it got; the worker's job heartbeat writes it on its own
    connection, since the rows are written in one transaction that nothing outside sees until the end.
    """
    job = ImportJob.objects.select_related("office", "created_by").get(pk=job_id)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    tell = progress or (lambda done, total: None)
    created = skipped = 0
    try:
        with files.local_path(job.storage_path) as path:
            rows, errors = read_workbook(path, job.office)
        job.total = len(rows)
        tell(0, job.total)
        if not errors:

            def report(done: int) -> None:
                if done % 20 == 0 or done == job.total:
                    tell(done, job.total)

            created, skipped, errors = write_rows(rows, job.office, job.created_by, report)
    except ActionError as exc:
        errors = [{"row": 0, "column": "", "message": exc.message}]
    except Exception:
        # Anything unexpected still ends the job (rolled back), never leaves it 导入中.
        log.exception("import job %s failed", job.pk)
        errors = [
            {"row": 0, "column": "", "message": str(_("导入时发生内部错误，未写入任何数据。错误已记录。"))}
        ]
    job.errors = errors[:1000]
    job.processed = job.total if not errors else 0
    job.created_count, job.skipped_count = (created, skipped) if not errors else (0, 0)
    job.status = ImportJob.Status.FAILED if errors else ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "errors",
            "processed",
            "created_count",
            "skipped_count",
            "status",
            "finished_at",
            "total",
        ]
    )
    return job


def job_ref(import_job_id: int) -> str:
    return f"clues.importjob:{import_job_id}"


def progress(job: ImportJob) -> tuple[int, int]:
    """(done, total) of a running import, from its job row (written by the worker's heartbeat)."""
    if job.is_finished:
        return job.total, job.total
    from taizhang.jobs.models import Job

    found = Job.objects.filter(ref=job_ref(job.pk)).order_by("-id").values_list("done", "total").first()
    return (found[0], found[1]) if found else (0, job.total)
