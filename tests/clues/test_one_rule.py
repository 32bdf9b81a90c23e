"""One rule, four forms: every persona × every question × every form answers what the live rule answers.

The forms (clues/visibility/rule.py, Form): LIVE, `Clue.objects.visible_to(user)`; ONE, the one-clue form
`Clue.objects.visible_one(user, pk)`; HANDLED, a member unit's HandledClue rows (PostgreSQL); TALLY, the clue
tally's sums less the recused clues (PostgreSQL). The questions (Question): one clue (may the person see it),
page ids (filtered and sorted), counts by status (filtered), counts by period. Each form is forced here for
every persona whose rule it states (rule.handled_answers, rule.tally_answers), not only where form_for picks
it, and the answers the pages get (visibility.answers) are checked too. A cell no form can fill is said so
in NOT_ANSWERED. On SQLite only LIVE and ONE exist (the derived tables are PostgreSQL triggers).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from taizhang.clues.actions import SubjectData
from taizhang.clues.filters import filter_clues, ledger_q, parse, sort_of, status_counts
from taizhang.clues.models import Clue
from taizhang.clues.visibility import answers, handled, tally
from taizhang.clues.visibility.rule import (
    Form,
    Question,
    form_for,
    handled_answers,
    tally_answers,
)
from taizhang.org.visibility import scope_of
from taizhang.reports.indicators import _aggregate, _tally_counts
from taizhang.reports.periods import Period

from .test_unit_pages import _cases, _ledger

pytestmark = pytest.mark.django_db
ON_POSTGRES = connection.vendor == "postgresql"
# Cells no form can fill: the tally keeps counts, never clue ids, and only some filters (its status counts
# answer the filters tally.narrowing accepts); neither derived table copies the text the `q` search reads.
NOT_ANSWERED = {(Form.TALLY, Question.ONE), (Form.TALLY, Question.PAGE)}


def _world_of_clues(world, walk):
    given, sectors = _ledger(world, walk)
    # More recusal and 保护伞: a clue naming the district office; a 保护伞 clue only registered.
    walk.register(
        office="district", subjects=[SubjectData(name="王某某", unit_id=world.units["district"].pk)]
    )
    walk.triaged(umbrella=True)
    walk.transferred()
    return _cases(world, sectors)


def _periods() -> list[tuple[dt.date, dt.date]]:
    this = Period.of("month", timezone.localdate())
    months = [this.previous().previous(), this.previous(), this]
    return [(m.start, m.end) for m in months] + [(months[0].start, this.end)]


def _forms_of(scope) -> list[Form]:
    forms = [Form.LIVE, Form.ONE]
    if ON_POSTGRES and handled_answers(scope):
        forms.append(Form.HANDLED)
    if ON_POSTGRES and tally_answers(scope):
        forms.append(Form.TALLY)
    return forms


def _one_ids(user) -> set[int]:
    return {
        pk for pk in Clue.objects.values_list("pk", flat=True) if Clue.objects.visible_one(user, pk).exists()
    }


def _may_see(form, user, scope, one_ids, pk) -> bool:
    if form is Form.LIVE:
        return Clue.objects.visible_to(user).filter(pk=pk).exists()
    if form is Form.ONE:
        return pk in one_ids
    return handled.rows_of(scope).filter(clue_id=pk).exists()


def _page_ids(form, user, scope, one_ids, params) -> list[int] | None:
    v = parse(params)
    if form is Form.HANDLED and params.get("q"):
        return None
    if form is Form.LIVE:
        return list(filter_clues(Clue.objects.visible_to(user), v).values_list("pk", flat=True))
    if form is Form.ONE:
        return list(filter_clues(Clue.objects.filter(pk__in=one_ids), v).values_list("pk", flat=True))
    rows = handled.rows_of(scope).filter(ledger_q(v, pk="clue_id")).order_by(*sort_of(v, pk="clue_id"))
    return list(rows.values_list("clue_id", flat=True))


def _status_counts(form, user, scope, one_ids, params) -> dict[str, int] | None:
    v = parse(params)
    if form is Form.LIVE:
        return status_counts(Clue.objects.visible_to(user), v)
    if form is Form.ONE:
        return status_counts(Clue.objects.filter(pk__in=one_ids), v)
    if form is Form.HANDLED:
        if params.get("q"):
            return None
        return handled.counts_by_status(
            handled.rows_of(scope).filter(ledger_q(v, pk="clue_id", skip_status=True))
        )
    # The tally answers under the filters it keeps (tally.narrowing), None under the others.
    return answers.tally_status_counts(user, params)


def _period_counts(form, user, scope, one_ids, periods, now) -> list[dict[str, int]]:
    if form is Form.LIVE:
        base = Clue.objects.visible_to(user)
    elif form is Form.ONE:
        base = Clue.objects.filter(pk__in=one_ids)
    elif form is Form.HANDLED:
        base = handled.rows_of(scope)  # the same columns, under the same names
    else:
        # The tally counts for a unit: the person's own office, whose subtree is all they see.
        counted = _tally_counts(user, user.unit, periods)
        assert counted is not None
        return counted
    return [_aggregate(base, start, end, now) for start, end in periods]


def test_every_persona_question_and_form_answers_what_the_live_rule_answers(world, walk, time_machine):
    cases = _world_of_clues(world, walk)
    time_machine.move_to(timezone.now(), tick=False)  # one "now" for the overdue counts of every form
    now = timezone.now()
    periods = _periods()
    everyone = list(Clue.objects.values_list("pk", flat=True))
    used: Counter[Form] = Counter()
    for key, user in world.people.items():
        scope = scope_of(user)
        one_ids = _one_ids(user)
        live_ids = set(Clue.objects.visible_to(user).values_list("pk", flat=True))
        forms = _forms_of(scope)
        used.update(forms)
        for form in forms:
            where = (key, form)
            if (form, Question.ONE) not in NOT_ANSWERED:
                for pk in everyone:
                    assert _may_see(form, user, scope, one_ids, pk) == (pk in live_ids), (*where, pk)
            for params in cases:
                live = _page_ids(Form.LIVE, user, scope, one_ids, params)
                page = (
                    None
                    if (form, Question.PAGE) in NOT_ANSWERED
                    else _page_ids(form, user, scope, one_ids, params)
                )
                if page is not None:
                    assert page == live, (*where, params)
                counted = _status_counts(form, user, scope, one_ids, params)
                if counted is not None:
                    assert counted == _status_counts(Form.LIVE, user, scope, one_ids, params), (
                        *where,
                        params,
                    )
            live_periods = _period_counts(Form.LIVE, user, scope, one_ids, periods, now)
            assert _period_counts(form, user, scope, one_ids, periods, now) == live_periods, where
        # And what the pages get, through whichever form form_for chose.
        for params in cases:
            expected = _page_ids(Form.LIVE, user, scope, one_ids, params)
            assert [c.pk for c in answers.page_of(user, Clue.objects.all(), params, 0, 1000)] == expected, (
                key,
                params,
            )
            expected_counts = _status_counts(Form.LIVE, user, scope, one_ids, params)
            assert answers.visible_status_counts(user, params) == expected_counts, (key, params)
    # Every form was exercised, for several personas each.
    assert used[Form.LIVE] == used[Form.ONE] == len(world.people)
    if ON_POSTGRES:
        assert used[Form.HANDLED] >= 5 and used[Form.TALLY] >= 4, used


def test_form_for_picks_a_derived_form_only_for_the_personas_whose_rule_it_states(world):
    picks = {}
    for key, user in world.people.items():
        scope = scope_of(user)
        picks[key] = (
            form_for(scope, Question.PAGE),
            form_for(scope, Question.STATUS_COUNTS),
            form_for(scope, Question.STATUS_COUNTS, filtered=True),
            form_for(scope, Question.PAGE, text=True),
            form_for(scope, Question.STATUS_COUNTS, text=True),
            form_for(scope, Question.PERIOD_COUNTS),
            form_for(scope, Question.PERIOD_COUNTS, whole_months=False),
        )
        assert form_for(scope, Question.ONE) is Form.ONE
    live = (Form.LIVE,) * 7
    if not ON_POSTGRES:
        assert set(picks.values()) == {live}
        return
    # A member unit's rows answer its text search too (each row's clue asked the rule); the tally cannot.
    member = (Form.HANDLED,) * 5 + (Form.LIVE, Form.LIVE)
    office = (Form.LIVE, Form.TALLY, Form.LIVE, Form.LIVE, Form.LIVE, Form.TALLY, Form.LIVE)
    assert picks["liaison"] == picks["police_liaison"] == picks["sysadmin"] == member
    assert picks["office_staff"] == picks["office_leader"] == picks["district_leader"] == office
    assert picks["discipline_handler"] == picks["discipline_leader"] == live
    assert tally.enabled() and handled.enabled()
