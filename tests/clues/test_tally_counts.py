"""An office person's counts per status under the ledger's filters come from the clue tally when it keeps those
filters (tally.narrowing: one of category, channel, sector and finding, with any of office, 保护伞 and whole
received months; or the responsible unit with those) and equal what counting the visible clues answers — for every persona, with
recused and 保护伞 clues, across month boundaries in Asia/Shanghai, after action writes, bulk updates, deletes,
compaction and rebuild. Any other filter is counted live."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from taizhang.clues import actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import Category, Channel, ClueStatus, FindingResult, ReportStage
from taizhang.clues.filters import parse, status_counts
from taizhang.clues.models import Clue
from taizhang.clues.visibility import tally
from taizhang.clues.visibility.answers import tally_status_counts, visible_status_counts
from taizhang.clues.visibility.rule import tally_answers
from taizhang.org.visibility import scope_of

from .test_unit_pages import _ledger

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the tally is kept by PostgreSQL triggers"),
]
D = dt.date
# Received moments around month ends, in Asia/Shanghai: 1 March 00:30 there is still February in UTC.
MOMENTS = [
    dt.datetime.fromisoformat(text)
    for text in (
        "2026-01-15T10:00:00+08:00",
        "2026-01-31T23:59:00+08:00",
        "2026-02-01T00:00:00+08:00",
        "2026-02-28T23:30:00+08:00",
        "2026-03-01T00:30:00+08:00",
        "2026-03-31T12:00:00+08:00",
    )
]
FINDINGS = [FindingResult.SUBSTANTIATED, FindingResult.PARTLY, FindingResult.UNFOUNDED, ""]


def _world_of_clues(world, walk):
    """test_unit_pages' ledger (every state, recusals, 保护伞, two offices, sectors, channels, categories),
    more recusal and 保护伞 in the district, and the clues spread over three months and the findings."""
    given, sectors = _ledger(world, walk)
    district = world.units["district"]
    walk.register(office="district", subjects=[SubjectData(name="王某某", unit_id=district.pk)])
    walk.triaged(umbrella=True)
    walk.triaged(office="district")
    for i, clue in enumerate(Clue.objects.order_by("pk")):
        Clue.objects.filter(pk=clue.pk).update(
            received_at=MOMENTS[i % len(MOMENTS)],
            finding_result=FINDINGS[i % len(FINDINGS)] if clue.status != ClueStatus.REGISTERED else "",
        )
    return given, sectors


def _kept(world, sectors) -> list[dict]:
    """Filters the tally keeps: each crossed one alone, with whole-month ranges and with the keyed ones."""
    crossed = [
        {"category": Category.EVIL},
        {"category": Category.MAFIA},
        {"category": Category.UMBRELLA},
        {"channel": Channel.LETTER},
        {"channel": Channel.PHONE},
        {"sector": sectors[0].pk},
        {"sector": sectors[1].pk},
        {"finding": FindingResult.SUBSTANTIATED},
        {"finding": FindingResult.PARTLY},
    ]
    months = [
        {"received_from": D(2026, 2, 1), "received_to": D(2026, 3, 31)},
        {"received_from": D(2026, 3, 1)},
        {"received_to": D(2026, 2, 28)},
        {"received_from": D(2026, 2, 1), "received_to": D(2026, 2, 28)},
        {"received_from": D(2026, 3, 1), "received_to": D(2026, 1, 31)},  # empty
    ]
    keyed = [
        {"office": world.units["district"].pk},
        {"office": world.units["city"].pk, "umbrella": True},
        {"umbrella": True},
        {"office": 999_999},
    ]
    # The responsible unit: without a crossed filter only (the crossed facts keep no unit).
    units = [
        {"unit": world.units["transport"].pk},
        {"unit": world.units["construction"].pk, "received_from": D(2026, 1, 1)},
        {"unit": world.units["discipline"].pk, "umbrella": True, "office": world.units["city"].pk},
    ]
    cases = [*crossed, *months, *keyed, *units, {}]
    cases += [{**c, **m} for c in crossed for m in months[:3]]
    cases += [{**c, **k} for c in crossed[::2] for k in keyed]
    # What picks a page or an order does not narrow the counts.
    cases.append({"category": Category.EVIL, "status": [ClueStatus.VERIFYING], "sort": "number", "page": 2})
    return cases


def _not_kept(world) -> list[dict]:
    """Filters the tally does not keep: counted live."""
    return [
        {"category": Category.EVIL, "channel": Channel.LETTER},
        {"category": Category.EVIL, "unit": world.units["transport"].pk},
        {"sector": 1, "finding": FindingResult.PARTLY},
        {"received_from": D(2026, 2, 2)},
        {"received_to": D(2026, 2, 27)},
        {"category": Category.EVIL, "received_from": D(2026, 1, 31), "received_to": D(2026, 2, 28)},
        {"overdue": True},
        {"concluded_from": D(2026, 1, 1)},
        {"q": "线索"},
        {"category": Category.EVIL, "q": "线索"},
    ]


def _assert_counts(world, cases, not_kept) -> int:
    """Every persona: the pages' counts equal the live count; office people's tally counts too (None for the
    others and for filters the tally does not keep). Returns how many tally answers had clues in them."""
    nonempty = 0
    for key, user in world.people.items():
        by_tally = tally_answers(scope_of(user))
        visible = Clue.objects.visible_to(user)
        for params in cases:
            live = status_counts(visible, parse(params))
            assert visible_status_counts(user, params) == live, (key, params)
            counted = tally_status_counts(user, params)
            assert (counted is not None) == by_tally, (key, params)
            if counted is not None:
                assert counted == live, (key, params)
                nonempty += bool(live)
        for params in not_kept:
            assert tally.narrowing(parse(params)) is None, params
            assert tally_status_counts(user, params) is None, (key, params)
            assert visible_status_counts(user, params) == status_counts(visible, parse(params)), (key, params)
    return nonempty


def test_office_people_read_filtered_counts_from_the_tally_and_everyone_gets_the_live_counts(world, walk):
    given, sectors = _world_of_clues(world, walk)
    cases, not_kept = _kept(world, sectors), _not_kept(world)
    nonempty = _assert_counts(world, cases, not_kept)
    assert nonempty >= 200, nonempty  # the cases have clues in them, not only empty answers
    # The data exercise what the tally must get right: recusal, 保护伞, both offices, the month boundary.
    staff, leader = world.people["office_staff"], world.people["office_leader"]
    assert Clue.objects.visible_to(leader).filter(is_umbrella=True).count() >= 3
    assert Clue.objects.count() - Clue.objects.visible_to(leader).count() >= 1  # recused for the city office
    assert (
        Clue.objects.visible_to(world.people["district_staff"]).count()
        < Clue.objects.filter(office=world.units["district"]).count()
    )
    march = tally_status_counts(staff, {"received_from": D(2026, 3, 1), "received_to": D(2026, 3, 31)})
    assert (
        march
        and sum(march.values()) == Clue.objects.visible_to(staff).filter(received_at__gte=MOMENTS[4]).count()
    )


def test_filtered_counts_follow_actions_bulk_updates_deletes_compaction_and_rebuild(world, walk):
    given, sectors = _world_of_clues(world, walk)
    cases = [
        {"category": Category.EVIL},
        {"category": Category.OTHER, "received_from": D(2026, 2, 1)},
        {"channel": Channel.ONLINE},
        {"channel": Channel.PHONE, "office": world.units["city"].pk},
        {"sector": sectors[1].pk, "received_to": D(2026, 2, 28)},
        {"finding": FindingResult.UNFOUNDED, "umbrella": True},
        {"finding": FindingResult.SUBSTANTIATED},
        {"unit": world.units["construction"].pk, "received_to": D(2026, 3, 31)},
        {},
    ]
    not_kept = _not_kept(world)[:2]
    # Actions: a first report moves a clue's status; an edit moves its channel, receipt month and sector; a
    # finding and its review move status and finding.
    first = given[0]
    actions.do_file_stage_report(
        first.pk, actor=world.people["liaison"], stage=ReportStage.FIRST, body="已核查。"
    )
    first.refresh_from_db()
    actions.do_edit_clue(
        first.pk,
        actor=world.people["office_staff"],
        version=first.version,
        channel=Channel.ONLINE,
        received_at=MOMENTS[2],
        sector=sectors[1],
    )
    reviewed = walk.accepted(result=FindingResult.UNFOUNDED)
    # A recusal made by an edit: the district office is named in a district clue.
    named = walk.triaged(office="district")
    actions.do_edit_clue(
        named.pk,
        actor=world.people["office_staff"],
        version=named.version,
        subjects=[SubjectData(name="孙某某", unit_id=world.units["district"].pk)],
    )
    _assert_counts(world, cases, not_kept)
    # Bulk updates reach the tally through its triggers: status, category, finding, 保护伞, office, unit.
    Clue.objects.filter(pk__in=[given[2].pk, given[3].pk, reviewed.pk]).update(
        category=Category.OTHER, status=ClueStatus.VERIFYING, finding_result=FindingResult.UNFOUNDED
    )
    Clue.objects.filter(pk=given[5].pk).update(is_umbrella=True, office=world.units["district"])
    Clue.objects.filter(pk=given[8].pk).update(responsible_unit=world.units["construction"])
    _assert_counts(world, cases, not_kept)
    Clue.objects.filter(pk=walk.register().pk).update(category=Category.EVIL)
    _assert_counts(world, cases, not_kept)
    Clue.objects.filter(status=ClueStatus.REGISTERED, category=Category.EVIL).delete()
    assert tally.compact() > 0
    _assert_counts(world, cases, not_kept)
    tally.rebuild()
    _assert_counts(world, cases, not_kept)
