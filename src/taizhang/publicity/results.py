"""Survey results: per district and question, the satisfied share with its 95 % interval and the change
from the office's previous survey. One aggregate query per survey."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from taizhang.publicity.choices import SATISFIED_FROM, QuestionKind
from taizhang.publicity.models import Answer, Survey
from taizhang.pure.deid import wilson


@dataclass
class Cell:
    answers: int
    satisfied: int

    @property
    def rate(self) -> float | None:
        return self.satisfied / self.answers if self.answers else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.satisfied, self.answers)

    @property
    def rate_text(self) -> str:
        return f"{self.rate * 100:.1f}%" if self.rate is not None else "—"

    @property
    def interval_text(self) -> str:
        bounds = self.interval
        return f"{bounds[0] * 100:.1f}%–{bounds[1] * 100:.1f}%" if bounds else "—"


def change_text(change: float | None) -> str:
    """+3.2 / −1.0 个百分点 (no sign for no change)."""
    if change is None:
        return ""
    points = round(change * 100, 1)
    return f"{'+' if points > 0 else '−' if points < 0 else ''}{abs(points):.1f}"


def cells(survey: Survey) -> dict[tuple[int, int], Cell]:
    """(question order, district id) → answers and satisfied answers, for the likert questions."""
    rows = (
        Answer.objects.filter(question__survey=survey, question__kind=QuestionKind.LIKERT)
        .values("question__order", "district_id_copy")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(value__gte=SATISFIED_FROM)))
    )
    return {(r["question__order"], r["district_id_copy"]): Cell(r["n"], r["ok"]) for r in rows}


def previous(survey: Survey) -> Survey | None:
    return (
        Survey.objects.filter(office=survey.office_id, period_end__lt=survey.period_start)
        .order_by("-period_end", "-id")
        .first()
    )


def table(survey: Survey) -> dict[str, Any]:
    """What the results page, the home panel and the API show."""
    now, before = cells(survey), {}
    earlier = previous(survey)
    if earlier is not None:
        before = cells(earlier)
    districts = list(survey.districts.order_by("path"))
    questions = [q for q in survey.questions.all() if q.kind == QuestionKind.LIKERT]
    rows = []
    for district in districts:
        row = []
        for q in questions:
            cell = now.get((q.order, district.pk), Cell(0, 0))
            old = before.get((q.order, district.pk))
            change = (
                cell.rate - old.rate
                if cell.rate is not None and old is not None and old.rate is not None
                else None
            )
            row.append({"cell": cell, "change": change, "change_text": change_text(change)})
        rows.append({"district": district, "cells": row})
    totals = []
    for q in questions:
        n = sum(now.get((q.order, d.pk), Cell(0, 0)).answers for d in districts)
        ok = sum(now.get((q.order, d.pk), Cell(0, 0)).satisfied for d in districts)
        totals.append(Cell(n, ok))
    ranking = sorted(
        (r for r in rows if r["cells"] and r["cells"][0]["cell"].answers),
        key=lambda r: -(r["cells"][0]["cell"].rate or 0),
    )
    return {"questions": questions, "rows": rows, "totals": totals, "previous": earlier, "ranking": ranking}
