"""Who is told about a clue is decided by the visibility rule, at send time and again at display time (#16)."""

from __future__ import annotations

import pytest
from django.core import mail

from taizhang.clues import actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import FindingResult, ReportStage
from taizhang.clues.models import Clue
from taizhang.org.visibility import readers
from taizhang.supervision import worker
from taizhang.supervision.audience import redact_unseen
from taizhang.supervision.models import Notification
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db

SECRET = "某国土所所长收受好处"


def _umbrella_signed(world, walk, capture):
    """A 保护伞 clue handled by the discipline commission up to the signed finding (the office is told)."""
    with capture(execute=True):
        clue = walk.assigned(unit="discipline", umbrella=True, summary=SECRET)
        actions.do_file_stage_report(
            clue.pk, actor=world.people["discipline_handler"], stage=ReportStage.FIRST, body="已成立核查组。"
        )
        actions.do_record_finding(
            clue.pk,
            actor=world.people["discipline_handler"],
            result=FindingResult.SUBSTANTIATED,
            basis="经核实属实。",
        )
        actions.do_sign_finding(clue.pk, actor=world.people["discipline_leader"])
    return clue


def _inbox(client):
    return client.get("/supervision/inbox/").content.decode()


def test_a_umbrella_event_tells_only_who_may_see_the_clue(
    world, walk, clock, django_capture_on_commit_callbacks
):
    clue = _umbrella_signed(world, walk, django_capture_on_commit_callbacks)
    signed = Notification.objects.filter(key__endswith="clue.finding_signed")
    told = set(signed.values_list("user__username", flat=True))
    assert "office_leader" in told
    assert not told & {"office_staff", "custodian"}, told
    # Nobody's message carries the 保护伞 clue's text, not even the leader's.
    assert not Notification.objects.filter(body__contains=SECRET).exists()
    assert not Notification.objects.filter(title__contains=SECRET).exists()
    for who in ("office_staff", "custodian"):
        page = _inbox(world.client_for(who))
        assert clue.number not in page and SECRET not in page


def test_the_worker_tells_only_who_may_see_the_clue(world, walk, clock):
    clue = walk.register(umbrella=True, summary=SECRET)  # the office's own step: triage
    worker.run_once(clock.set(at("2025-10-20 09:00")))  # long overdue: reminders, urging, escalation
    told = set(
        Notification.objects.filter(key__startswith=f"clue:{clue.pk}:").values_list(
            "user__username", flat=True
        )
    )
    assert "office_leader" in told
    assert not told & {"office_staff", "custodian"}, told
    assert not Notification.objects.filter(body__contains=SECRET).exists()
    for message in mail.outbox:
        assert SECRET not in message.body and SECRET not in message.subject
        assert "office_staff@" not in " ".join(message.to)


def test_an_inbox_item_about_a_clue_no_longer_visible_shows_nothing_of_it(
    world, walk, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        clue = walk.assigned(summary="某团伙强揽土方")
    liaison = world.people["liaison"]
    assert clue.number in _inbox(world.client_for("liaison"))
    # A recusal written behind the actions' back (as an old row would be): display asks the rule again.
    clue.recusals.create(unit=world.units["transport"])
    page = _inbox(world.client_for("liaison"))
    assert clue.number not in page and "某团伙强揽土方" not in page
    api = world.client_for("liaison").get("/api/supervision/notifications").content.decode()
    assert clue.number not in api and "某团伙强揽土方" not in api
    notes = redact_unseen(liaison, Notification.objects.filter(user=liaison))
    assert notes and all(clue.number not in n.title and not n.url for n in notes)


def test_becoming_umbrella_redacts_what_was_already_sent(
    world, walk, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        clue = walk.assigned(summary="某团伙强揽土方")
    assert Notification.objects.filter(user=world.people["liaison"], body__contains="某团伙强揽土方").exists()
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_edit_clue(
            clue.pk,
            actor=world.people["office_leader"],
            version=Clue.objects.get(pk=clue.pk).version,
            subjects=[SubjectData(name="王某", position="国土所所长", is_official=True)],
        )
    assert Clue.objects.get(pk=clue.pk).is_umbrella
    rows = Notification.objects.filter(user__username__in=["liaison", "handler"])
    assert rows.exists()
    for n in rows:
        assert clue.number not in n.title and "某团伙强揽土方" not in n.body and not n.url


def test_readers_asks_one_query_per_scope_not_per_person(world, walk, clock, django_assert_max_num_queries):
    clues = [walk.assigned(summary=f"线索{i}") for i in range(5)]
    people = [
        world.people[k].pk for k in ("liaison", "handler", "unit_leader", "office_staff", "other_liaison")
    ]
    # 3 to compute the scopes, then one per distinct (unit, roles): 5 people, 5 scopes, 5 clues.
    with django_assert_max_num_queries(3 + 5):
        seen = readers(Clue, {c.pk: people for c in clues})
    transport = {world.people[k].pk for k in ("liaison", "handler", "unit_leader")}
    for c in clues:
        assert seen[c.pk] == transport | {world.people["office_staff"].pk}


def test_readers_agrees_with_the_rule_for_every_persona(world, walk, clock):
    """The batched form (who may be told) equals visible_to for every persona and every kind of clue."""
    from taizhang.clues.actions import SubjectData

    clues = [
        walk.assigned(summary="本单位"),
        walk.assigned(unit="construction", summary="他单位"),
        walk.assigned(unit="discipline", umbrella=True, summary="保护伞"),
        walk.assigned(office="district", unit="district_police", summary="区级"),
        walk.register(subjects=[SubjectData(name="李某", unit_name="交通局")], summary="回避"),
        walk.transferred(summary="已移送"),
    ]
    people = list(world.people.values())
    seen = readers(Clue, {c.pk: [p.pk for p in people] for c in clues})
    for person in people:
        expected = set(
            Clue.objects.visible_to(person).filter(pk__in=[c.pk for c in clues]).values_list("pk", flat=True)
        )
        got = {pk for pk, who in seen.items() if person.pk in who}
        assert got == expected, person.username
