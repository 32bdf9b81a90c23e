"""Cases and rectification (measures, 三书一函 letters) as search documents.

In the search app, which sits beside cases and rectification and above the clue ledger (docs/search.md).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from taizhang.cases.models import Case
from taizhang.rectification.models import Letter, Measure
from taizhang.search.sources import Document, SearchSource


def _case_document(case: Any) -> Document:
    units = "、".join(u.name for u in case.handling_units.all())
    # Not the 保护伞 screening note: everyone who sees the case searches this text, few may read the note.
    body = "\n".join(p for p in (case.brief, units) if p)
    return Document(title=f"{case.number} {case.name}", body=body, sort_at=case.created_at)


def _measure_document(measure: Any) -> Document:
    problem = measure.problem
    units = "、".join(u.name for u in measure.units.all())
    body = "\n".join(
        p
        for p in (
            problem.description,
            units,
            measure.person_name,
            measure.progress,
            problem.problem_list.title,
        )
        if p
    )
    sort_at = getattr(measure, "requested_at", None) or getattr(measure, "signed_off_at", None)
    return Document(title=measure.description[:300], body=body, sort_at=sort_at)


def _letter_document(letter: Any) -> Document:
    parts = (
        str(letter.letter_type),
        letter.issuer_unit.name,
        letter.recipient_unit.name,
        letter.problems,
        letter.reply,
    )
    return Document(
        title=f"{letter.number} {letter.letter_type}", body="\n".join(p for p in parts if p), sort_at=None
    )


def _case_records() -> QuerySet:
    return Case.objects.order_by("pk").prefetch_related("handling_units")


def _measure_records() -> QuerySet:
    return Measure.objects.order_by("pk").select_related("problem__problem_list").prefetch_related("units")


def _letter_records() -> QuerySet:
    return Letter.objects.order_by("pk").select_related("letter_type", "issuer_unit", "recipient_unit")


def search_sources() -> list[SearchSource]:
    """Cases, rectification measures and 三书一函 letters."""
    return [
        SearchSource(
            model="cases.case",
            label=_("案件"),
            records=_case_records,
            document=_case_document,
            visible=lambda user: Case.objects.visible_to(user),
            url_name="cases:detail",
        ),
        SearchSource(
            model="rectification.measure",
            label=_("整改事项"),
            records=_measure_records,
            document=_measure_document,
            visible=lambda user: Measure.objects.visible_to(user),
            url_name="rectification:measure",
            index_on_save=True,
        ),
        SearchSource(
            model="rectification.letter",
            label=_("三书一函"),
            records=_letter_records,
            document=_letter_document,
            visible=lambda user: Letter.objects.visible_to(user),
            url_name="rectification:letter",
        ),
    ]
