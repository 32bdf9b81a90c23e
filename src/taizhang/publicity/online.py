"""The survey on the internet portal site (two sites, docs/portal.md): what the ledger sends out, and the
answers the ferry brings back.

The portal site has no survey tables of the ledger: it gets the open surveys (questions, options, districts,
period) in each return package and keeps its own copy; its answers come back sealed in the next package and
are written here once each (by their reference), in the package's transaction.

An answer counts when it was given while the survey was open: an answer given on the portal after the office
closed the survey (the portal learns of the closing only with the next return package) is refused, counted
and audited, and so is one that does not fit the survey (an unknown district or question, a value out of
range). A refusal is per answer: the package still applies (it cannot be sent again without them).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.core import audit
from taizhang.core.errors import ActionError
from taizhang.org.actors import Actor
from taizhang.publicity.actions import clean_answers, write_responses
from taizhang.publicity.choices import Channel, SurveyStatus
from taizhang.publicity.models import Question, Response, Survey

_CHUNK = 1000


def portal_surveys() -> list[dict[str, Any]]:
    """Every open survey as the portal site shows it (the ledger's ids: answers come back naming them)."""
    surveys = (
        Survey.objects.filter(status=SurveyStatus.OPEN)
        .prefetch_related("questions", "districts")
        .order_by("id")
    )
    return [
        {
            "id": s.pk,
            "title": s.title,
            "period_start": s.period_start.isoformat(),
            "period_end": s.period_end.isoformat(),
            "questions": [
                {"id": q.pk, "order": q.order, "text": q.text, "kind": q.kind, "options": q.options}
                for q in s.questions.all()
            ],
            "districts": [
                {"id": d.pk, "name": d.name} for d in sorted(s.districts.all(), key=lambda d: (d.path, d.pk))
            ],
        }
        for s in surveys
    ]


@dataclass(frozen=True)
class PortalAnswer:
    """One answer as the portal site took it: its reference, the survey, district and values, and when."""

    ref: str
    survey_id: int
    district_id: int
    answers: dict[int, Any]
    answered_at: dt.datetime


def was_open(survey: Survey, at: dt.datetime) -> bool:
    """Whether the survey took answers at `at` (still open, or closed only later)."""
    if survey.status == SurveyStatus.OPEN:
        return True
    return survey.status == SurveyStatus.CLOSED and survey.closed_at is not None and at < survey.closed_at


@transaction.atomic
def do_record_portal_answers(*, actor: Actor, answers: Iterable[PortalAnswer]) -> dict[str, int]:
    """Write the portal's answers once each; refused ones are counted and audited per survey (see above).

    Returns the counts for the package's log: written, already written before, refused."""
    totals: Counter[str] = Counter()
    per_survey: dict[int, Counter[str]] = defaultdict(Counter)
    surveys: dict[int, tuple[Survey, list[Question], set[int]] | None] = {}
    seen: set[str] = set()
    for chunk in _chunks(answers):
        done = set(Response.objects.filter(ref__in=[a.ref for a in chunk]).values_list("ref", flat=True))
        groups: dict[tuple[int, int, dt.date], tuple[list[dict[int, int]], list[str]]] = {}
        for answer in chunk:
            if answer.ref in done or answer.ref in seen:
                totals["survey_repeated"] += 1
                continue
            seen.add(answer.ref)
            outcome = _check(answer, surveys)
            per_survey[answer.survey_id][outcome if isinstance(outcome, str) else "accepted"] += 1
            if isinstance(outcome, str):
                totals["survey_refused"] += 1
                continue
            day = timezone.localtime(answer.answered_at).date()
            rows, refs = groups.setdefault((answer.survey_id, answer.district_id, day), ([], []))
            rows.append(outcome)
            refs.append(answer.ref)
        for (survey_id, district_id, day), (rows, refs) in groups.items():
            found = surveys[survey_id]
            assert found is not None
            district = found[0].districts.get(pk=district_id)
            totals["survey_answers"] += write_responses(found[0], district, Channel.PORTAL, rows, day, refs)
    for survey_id, counts in per_survey.items():
        found = surveys.get(survey_id)
        if found is not None:
            _audit(actor, found[0], counts)
    return dict(totals)


def _chunks(answers: Iterable[PortalAnswer]) -> Iterator[list[PortalAnswer]]:
    it = iter(answers)
    while chunk := list(islice(it, _CHUNK)):
        yield chunk


def _check(
    answer: PortalAnswer, surveys: dict[int, tuple[Survey, list[Question], set[int]] | None]
) -> dict[int, int] | str:
    """The clean values, or why the answer is refused ("closed" or "invalid")."""
    if answer.survey_id not in surveys:
        survey = Survey.objects.select_for_update().filter(pk=answer.survey_id).first()
        surveys[answer.survey_id] = (
            None
            if survey is None
            else (survey, list(survey.questions.all()), set(survey.districts.values_list("pk", flat=True)))
        )
    found = surveys[answer.survey_id]
    if found is None:
        return "invalid"
    survey, questions, districts = found
    if not was_open(survey, answer.answered_at):
        return "closed"
    if answer.district_id not in districts or set(answer.answers) - {q.pk for q in questions}:
        return "invalid"
    try:
        return clean_answers(survey, questions, answer.answers)
    except ActionError:
        return "invalid"


def _audit(actor: Actor, survey: Survey, counts: Counter[str]) -> None:
    after: dict[str, Any] = {"channel": Channel.PORTAL, "responses": counts["accepted"]}
    if counts["closed"]:
        after["refused_closed"] = counts["closed"]
        after["reason_closed"] = _("调查结束后在网上提交的答卷不计入结果。")
    if counts["invalid"]:
        after["refused_invalid"] = counts["invalid"]
        after["reason_invalid"] = _("答卷与调查的区县或问题不符，不计入结果。")
    audit.record("survey.portal_answers", actor=actor, obj=survey, after=after)
