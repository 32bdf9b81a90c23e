"""A member unit's ledger pages and filtered counts come from its HandledClue rows on PostgreSQL (visibility.answers.page_of,
visible_status_counts): for every persona, filter and sort they equal what the live rule answers
(`Clue.objects.visible_to(user)` filtered and sorted), after action writes and bulk updates alike."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.utils import timezone

from taizhang.clues import actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import Category, Channel, ClueStatus, FindingResult, ReportStage
from taizhang.clues.filters import SORTS, filter_clues, parse, status_counts
from taizhang.clues.models import Clue
from taizhang.clues.visibility.answers import handled_rows, page_of, visible_status_counts
from taizhang.org.models import Sector

pytestmark = pytest.mark.django_db
MEMBERS = (
    "liaison",
    "handler",
    "unit_leader",
    "other_liaison",
    "other_leader",
    "police_liaison",
    "police_leader",
    "district_police",
    "sysadmin",  # at the city office without an office role: sees only what is given to it (nothing)
)
PER = 3


def _ledger(world, walk):
    """Clues in every state, given to the transport bureau, the construction bureau and the police; their
    ledger columns spread by bulk updates (which reach HandledClue through the clues_clue trigger)."""
    transport = world.units["transport"]
    given = [
        walk.assigned(),
        walk.assigned(unit="construction"),
        walk.verifying(),
        walk.under_review(result=FindingResult.PARTLY),
        walk.accepted(),
        walk.accepted(result=FindingResult.UNFOUNDED),
        walk.transferred(),
        walk.assigned(),  # made 保护伞 below
        walk.assigned(summary="线索甲"),
        walk.verifying(summary="线索乙"),
        walk.assigned(unit="construction", subjects=[SubjectData(name="赵某某", unit_id=transport.pk)]),
        walk.assigned(),  # names the city office below: recused from everyone under it
        walk.assigned(unit="discipline", umbrella=True),
    ]
    walk.register()
    walk.register(office="district")
    recused = given[11]
    actions.do_edit_clue(
        recused.pk,
        actor=world.people["office_staff"],
        version=recused.version,
        subjects=[SubjectData(name="钱某某", unit_id=world.units["city"].pk)],
    )
    sectors = [Sector.objects.create(code=f"S{i}", name=f"领域{i}") for i in range(2)]
    now = timezone.now()
    channels = [Channel.LETTER, Channel.PHONE, Channel.VISIT]
    categories = [Category.EVIL, Category.MAFIA, Category.DISORDER]
    for i, clue in enumerate(given):
        Clue.objects.filter(pk=clue.pk).update(
            is_umbrella=clue.is_umbrella or i == 7,
            channel=channels[i % 3],
            category=categories[i % 3] if i != 7 else Category.UMBRELLA,
            sector=sectors[i % 2] if i % 3 else None,
            # Ties on received_at (pairs) and deadlines past, future and missing: the id tie-breaker decides.
            received_at=now - dt.timedelta(days=i // 2),
            deadline_at=None if i % 4 == 3 else now + dt.timedelta(days=(i % 5) - 2),
            office=world.units["district"] if i % 5 == 4 else world.units["city"],
        )
    return given, sectors


def _cases(world, sectors):
    today = timezone.localdate()
    week_ago = today - dt.timedelta(days=4)
    cases = [{"sort": sort} for sort in SORTS]
    cases += [
        {},
        {"status": [ClueStatus.ASSIGNED, ClueStatus.VERIFYING]},
        {"status": [ClueStatus.CONCLUDED], "sort": "-concluded_at"},
        {"category": Category.EVIL, "channel": Channel.PHONE, "sort": "deadline_at"},
        {"category": Category.MAFIA, "sort": "-deadline_at"},
        {"channel": Channel.LETTER, "sort": "number"},
        {"sector": sectors[0].pk, "sort": "-number"},
        {"sector": sectors[1].pk, "sort": "received_at"},
        {"finding": FindingResult.PARTLY},
        {"finding": FindingResult.SUBSTANTIATED, "sort": "concluded_at"},
        {"unit": world.units["transport"].pk, "sort": "deadline_at"},
        {"unit": world.units["construction"].pk},
        {"office": world.units["district"].pk, "sort": "-deadline_at"},
        {"office": world.units["city"].pk, "sort": "number"},
        {"office": 999_999},
        {"overdue": True, "sort": "deadline_at"},
        {"due_soon": True, "sort": "deadline_at"},
        {"awaiting": world.units["police"].pk, "status": [ClueStatus.TRANSFERRED]},
        {"awaiting": world.units["construction"].pk},
        {"umbrella": True},
        {"received_from": week_ago, "received_to": today - dt.timedelta(days=1), "sort": "received_at"},
        {"received_from": today},
        {"concluded_from": week_ago, "concluded_to": today, "sort": "-concluded_at"},
        {"q": "线索", "sort": "deadline_at"},  # the text search reads Clue, for everyone
    ]
    return cases


def _assert_every_page_and_count(world, cases):
    on_postgres = connection.vendor == "postgresql"
    for key, user in world.people.items():
        visible = Clue.objects.visible_to(user)
        for params in cases:
            expected = list(filter_clues(visible, parse(params)).values_list("pk", flat=True))
            got = []
            for start in range(0, len(expected) + PER, PER):
                got += [clue.pk for clue in page_of(user, Clue.objects.all(), params, start, start + PER)]
            assert got == expected, (key, params)
            live = status_counts(Clue.objects.visible_to(user), parse(params))
            assert visible_status_counts(user, params) == live, (key, params)
            # The member units' own rows answer (the text search too: each row's clue is asked the rule);
            # everyone else reads Clue.
            own = on_postgres and key in MEMBERS
            assert (handled_rows(user, parse(params)) is not None) == own, (key, params)


def test_every_persona_gets_the_live_pages_and_counts_for_every_filter_and_sort(world, walk):
    given, sectors = _ledger(world, walk)
    cases = _cases(world, sectors)
    # The data exercise the cases: several clues per filter for the transport bureau.
    liaison = Clue.objects.visible_to(world.people["liaison"])
    assert liaison.count() >= 6
    assert filter_clues(liaison, parse({"overdue": True})).exists()
    assert filter_clues(liaison, parse({"due_soon": True})).exists()
    police = Clue.objects.visible_to(world.people["police_liaison"])
    assert filter_clues(police, parse({"awaiting": world.units["police"].pk})).exists()
    assert filter_clues(liaison, parse({"office": world.units["district"].pk})).exists()
    _assert_every_page_and_count(world, cases)


def test_pages_follow_changes_by_actions_and_by_bulk_updates(world, walk):
    given, sectors = _ledger(world, walk)
    cases = [
        {"sort": "deadline_at"},
        {"sort": "-received_at", "status": [ClueStatus.VERIFYING]},
        {"category": Category.OTHER, "sort": "number"},
        {"channel": Channel.ONLINE},
        {"overdue": True},
        {"sector": sectors[1].pk, "sort": "-deadline_at"},
    ]
    first = given[0]
    # Actions: a first report moves status and deadline; an edit moves channel, receipt time and sector.
    actions.do_file_stage_report(
        first.pk, actor=world.people["liaison"], stage=ReportStage.FIRST, body="已核查。"
    )
    first.refresh_from_db()
    actions.do_edit_clue(
        first.pk,
        actor=world.people["office_staff"],
        version=first.version,
        channel=Channel.ONLINE,
        received_at=timezone.now() - dt.timedelta(days=30),
        sector=sectors[1],
    )
    _assert_every_page_and_count(world, cases)
    # Bulk updates: deadline, category and status of several clues at once, then a responsible unit.
    Clue.objects.filter(pk__in=[given[2].pk, given[3].pk]).update(
        deadline_at=timezone.now() - dt.timedelta(days=9),
        category=Category.OTHER,
        status=ClueStatus.VERIFYING,
    )
    Clue.objects.filter(pk=given[8].pk).update(responsible_unit=world.units["construction"])
    _assert_every_page_and_count(world, [*cases, {"unit": world.units["construction"].pk}])


def test_the_database_runs_the_trigger_sql_of_the_app():
    """Migrations run frozen SQL; the latest must be handled.py's, so what the code describes is what runs."""
    from taizhang.clues.visibility import handled

    latest = importlib.import_module("taizhang.clues.migrations.0008_handled_insert_narrowed")
    assert latest.INSTALL_SQL == handled.INSTALL_SQL


def test_the_home_panels_counts_are_the_live_rules_for_every_persona(world, walk, monkeypatch, rf):
    """A member unit's home panel counts its own clues from its HandledClue rows on PostgreSQL
    (clues/panels.py); every persona gets the counts the live rule gives."""
    from taizhang.clues import panels
    from taizhang.clues.visibility import answers

    _ledger(world, walk)

    def counts(user):
        request = rf.get("/")
        request.user = user
        return [[item["count"] for item in panel["items"]] for panel in panels.home_panels(request)]

    answered = {key: counts(user) for key, user in world.people.items()}
    assert any(sum(c) for c in answered["liaison"])  # the data exercise the counts
    assert answers.counted_rows(world.people["liaison"]) is not None or connection.vendor != "postgresql"
    monkeypatch.setattr(answers, "counted_rows", lambda user: None)
    assert {key: counts(user) for key, user in world.people.items()} == answered
