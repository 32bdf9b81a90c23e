"""Cases and rectification (measures, 三书一函 letters) as search documents.

Kept in the search app (the same plug as an app's own `search_docs.py`); each source is offered only once its
app defines the model, so this module is harmless on a branch without them.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from taizhang.search.sources import Document, SearchSource


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


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


def search_sources() -> list[SearchSource]:
    """The sources whose models exist in this installation."""
    found: list[SearchSource] = []
    case = _model("cases.Case")
    if case is not None and hasattr(case.objects, "visible_to"):

        def case_records() -> QuerySet:
            return case.objects.order_by("pk").prefetch_related("handling_units")

        found.append(
            SearchSource(
                model="cases.case",
                label=_("案件"),
                records=case_records,
                document=_case_document,
                visible=lambda user: case.objects.visible_to(user),
                url_name="cases:detail",
            )
        )
    measure = _model("rectification.Measure")
    if measure is not None and hasattr(measure.objects, "visible_to"):

        def measure_records() -> QuerySet:
            return (
                measure.objects.order_by("pk")
                .select_related("problem__problem_list")
                .prefetch_related("units")
            )

        found.append(
            SearchSource(
                model="rectification.measure",
                label=_("整改事项"),
                records=measure_records,
                document=_measure_document,
                visible=lambda user: measure.objects.visible_to(user),
                url_name="rectification:measure",
                index_on_save=True,
            )
        )
    letter = _model("rectification.Letter")
    if letter is not None and hasattr(letter.objects, "visible_to"):

        def letter_records() -> QuerySet:
            return letter.objects.order_by("pk").select_related(
                "letter_type", "issuer_unit", "recipient_unit"
            )

        found.append(
            SearchSource(
                model="rectification.letter",
                label=_("三书一函"),
                records=letter_records,
                document=_letter_document,
                visible=lambda user: letter.objects.visible_to(user),
                url_name="rectification:letter",
            )
        )
    return found
