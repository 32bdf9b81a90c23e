"""The clue page's handling records (assignments, staged reports, findings, transfers), as rows ready for its
templates, each list read by one query compiled once per thread (core.statements).

Compiling the four querysets cost the page 3.6 ms of Python at every view, more than running them; their shapes
never change, only the clue. Each row holds what the page shows: labels of choices, a unit's label, a person's
name (User.__str__: the display name, else the username), never more of the person or unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, Field, Model, QuerySet, Window

from taizhang.clues.models import Assignment, Finding, StageReport, Transfer
from taizhang.core import labels
from taizhang.core.statements import held_rows


def _person(relation: str) -> list[str]:
    return [f"{relation}__display_name", f"{relation}__username"]


def _unit(relation: str) -> list[str]:
    return [f"{relation}__short_name", f"{relation}__name"]


def _name(display_name: str | None, username: str | None) -> str:
    return display_name or username or ""


def _label(model: type[Model], name: str, value: str) -> str:
    """The choice's label in the active language, as the model's get_FOO_display gives it (core.labels)."""
    return labels.label(cast("Field[Any, Any]", model._meta.get_field(name)), value)


@dataclass(slots=True)
class AssignmentRow:
    unit: str
    person: str
    assigned_at: Any
    assigned_by: str
    due_at: Any
    instructions: str
    reason: str
    is_current: bool


def _assignments(clue_id: int) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(clue_id=clue_id)
        .order_by("assigned_at", "id")
        .values_list(
            *_unit("unit"),
            *_person("person"),
            "assigned_at",
            *_person("assigned_by"),
            "due_at",
            "instructions",
            "reason",
            "is_current",
        )
    )


def assignments_of(clue_id: int) -> list[AssignmentRow]:
    rows = held_rows(("clues.records.assignments",), Assignment, _assignments, (clue_id,))
    return [
        AssignmentRow(_name(s, n), _name(pd, pu), at, _name(bd, bu), due, instructions, reason, current)
        for s, n, pd, pu, at, bd, bu, due, instructions, reason, current in rows
    ]


@dataclass(slots=True)
class ReportRow:
    stage: str
    submitted_at: Any
    submitted_by: str
    unit: str
    body: str


_REPORT_COLUMNS = ("stage", "submitted_at", *_person("submitted_by"), *_unit("assignment__unit"), "body")


def _all_reports(clue_id: int) -> QuerySet[StageReport]:
    return (
        StageReport.objects.filter(clue_id=clue_id)
        .order_by("submitted_at", "id")
        .values_list(*_REPORT_COLUMNS)
    )


def _report(row: tuple[Any, ...]) -> ReportRow:
    stage, at, sd, su, us, un, body = row[:7]
    return ReportRow(_label(StageReport, "stage", stage), at, _name(sd, su), _name(us, un), body)


def reports_of(clue_id: int, newest: int | None) -> tuple[list[ReportRow], int]:
    """The clue's staged reports, oldest first, and how many came before them: all of them (`newest` None),
    or the newest `newest` (one query: the total is a window count over all of the clue's reports)."""
    if newest is None:
        rows = held_rows(("clues.records.reports",), StageReport, _all_reports, (clue_id,))
        return [_report(row) for row in rows], 0

    def build(clue: int) -> QuerySet[StageReport]:
        return (
            StageReport.objects.filter(clue_id=clue)
            .annotate(total=Window(Count("id")))
            .order_by("-submitted_at", "-id")
            .values_list(*_REPORT_COLUMNS, "total")[:newest]
        )

    rows = held_rows(("clues.records.newest_reports", newest), StageReport, build, (clue_id,))
    total = rows[0][-1] if rows else 0
    return [_report(row) for row in reversed(rows)], total - len(rows)


@dataclass(slots=True)
class FindingRow:
    pk: int
    result: str
    decision: str
    basis: str
    drafted_by: str
    drafted_at: Any
    signed_by: str
    signed_at: Any
    reviewed_by: str
    reviewed_at: Any
    review_note: str
    sign_note: str = ""


def _findings(clue_id: int) -> QuerySet[Finding]:
    return (
        Finding.objects.filter(clue_id=clue_id)
        .order_by("drafted_at", "id")
        .values_list(
            "pk",
            "result",
            "decision",
            "basis",
            *_person("drafted_by"),
            "drafted_at",
            *_person("signed_by"),
            "signed_at",
            *_person("reviewed_by"),
            "reviewed_at",
            "review_note",
        )
    )


def findings_of(clue_id: int) -> list[FindingRow]:
    rows = held_rows(("clues.records.findings",), Finding, _findings, (clue_id,))
    return [
        FindingRow(
            pk,
            _label(Finding, "result", result),
            _label(Finding, "decision", decision),
            basis,
            _name(dd, du),
            drafted_at,
            _name(sd, su),
            signed_at,
            _name(rd, ru),
            reviewed_at,
            note,
        )
        for pk, result, decision, basis, dd, du, drafted_at, sd, su, signed_at, rd, ru, reviewed_at, note in rows
    ]


@dataclass(slots=True)
class TransferRow:
    pk: int
    kind: str
    receiver_unit_id: int
    receiver: str
    letter_number: str
    evidence_list: str
    sent_at: Any
    sent_by: str
    answer: str
    answer_label: str
    answer_note: str
    case_reference: str
    answered_at: Any
    answered_by: str
    outcome_rows: list[dict[str, Any]] = field(default_factory=list)


def _transfers(clue_id: int) -> QuerySet[Transfer]:
    """One row per outcome (or one row for a transfer without any), by a left join."""
    return (
        Transfer.objects.filter(clue_id=clue_id)
        .order_by("sent_at", "id", "outcomes__reported_at", "outcomes__id")
        .values_list(
            "pk",
            "kind",
            "receiver_unit_id",
            *_unit("receiver_unit"),
            "letter_number",
            "evidence_list",
            "sent_at",
            *_person("sent_by"),
            "answer",
            "answer_note",
            "case_reference",
            "answered_at",
            *_person("answered_by"),
            "outcomes__id",
            "outcomes__body",
            "outcomes__reported_at",
            *_person("outcomes__reported_by"),
        )
    )


def transfers_of(clue_id: int) -> list[TransferRow]:
    """The clue's transfers in the order sent, each with its outcomes (`outcome_rows`), in one query."""
    found: dict[int, TransferRow] = {}
    for row in held_rows(("clues.records.transfers",), Transfer, _transfers, (clue_id,)):
        pk, kind, receiver_id, rs, rn, letter, evidence, sent_at, sd, su, answer, note, case, answered_at = (
            row[:14]
        )
        ad, au, outcome_id, body, reported_at, od, ou = row[14:]
        transfer = found.get(pk)
        if transfer is None:
            transfer = found[pk] = TransferRow(
                pk,
                _label(Transfer, "kind", kind),
                receiver_id,
                _name(rs, rn),
                letter,
                evidence,
                sent_at,
                _name(sd, su),
                answer,
                _label(Transfer, "answer", answer),
                note,
                case,
                answered_at,
                _name(ad, au),
            )
        if outcome_id is not None:
            transfer.outcome_rows.append(
                {"reported_at": reported_at, "body": body, "reported_by": _name(od, ou)}
            )
    return list(found.values())
