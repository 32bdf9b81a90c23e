"""The worker: reminders before the deadline, urging when overdue, escalation later — each exactly once."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from docx import Document

from taizhang.clues.models import Clue
from taizhang.supervision import worker
from taizhang.supervision.choices import DispatchStatus
from taizhang.supervision.documents import urging_docx
from taizhang.supervision.models import Dispatch, Notification, UrgingNotice
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db


def keys_for(user):
    return sorted(
        k.rsplit(":", 1)[-1]
        for k in Notification.objects.filter(user=user).values_list("key", flat=True)
        if k.startswith("clue:")
    )


@pytest.fixture
def assigned(walk, clock):
    # Monday 09-22: first report due Thursday 09-25 (3 working days).
    clue = walk.assigned()
    assert f"{clue.deadline_at:%m-%d}" == "09-25"
    return clue


def test_reminders_then_urging_then_escalation(world, clock, assigned):
    handler, liaison, leader = world.people["handler"], world.people["liaison"], world.people["unit_leader"]
    office_leader = world.people["office_leader"]
    worker.run_once(clock.now)
    assert keys_for(handler) == ["remind3"]
    worker.run_once(clock.now)  # a second pass the same day sends nothing new
    assert Notification.objects.filter(user=handler).count() == 1
    worker.run_once(clock.set(at("2025-09-24 08:00")))
    assert keys_for(handler) == ["remind1", "remind3"] and keys_for(liaison) == ["remind1", "remind3"]
    worker.run_once(clock.set(at("2025-09-25 23:00")))  # due today, not yet overdue
    assert keys_for(handler) == ["remind1", "remind3"]
    worker.run_once(clock.set(at("2025-09-26 09:00")))
    assert keys_for(handler) == ["remind1", "remind3", "urge"]
    assert UrgingNotice.objects.filter(target_id=assigned.pk).count() == 1
    assert keys_for(leader) == []
    # Leader after 3 working days late: 09-26, 09-28 (worked Sunday), 09-29.
    worker.run_once(clock.set(at("2025-09-28 09:00")))
    assert keys_for(leader) == []
    worker.run_once(clock.set(at("2025-09-29 09:00")))
    assert keys_for(leader) == ["leader"]
    # Office after 5: 09-30 is the 4th, then the National Day holiday, 10-09 the 5th.
    worker.run_once(clock.set(at("2025-10-08 09:00")))
    assert keys_for(office_leader) == []
    worker.run_once(clock.set(at("2025-10-09 09:00")))
    assert keys_for(office_leader) == ["office"]
    worker.run_once(clock.now)
    assert Notification.objects.filter(user=handler).count() == 3
    assert UrgingNotice.objects.filter(target_id=assigned.pk).count() == 1


def test_catching_up_sends_only_the_nearest_reminder(world, clock, walk):
    clue = walk.assigned()
    Clue.objects.filter(pk=clue.pk).update(deadline_at=at("2025-09-23 23:59"))
    worker.run_once(clock.now)
    assert keys_for(world.people["handler"]) == ["remind1"]


def test_a_new_deadline_starts_a_new_sequence(world, clock, assigned):
    worker.run_once(clock.now)
    Clue.objects.filter(pk=assigned.pk).update(deadline_at=at("2025-09-24 23:59:59"))
    worker.run_once(clock.now)
    assert keys_for(world.people["handler"]) == ["remind3", "remind3"]


def test_urging_notice_document_opens_and_names_the_clue(world, clock, assigned):
    worker.run_once(clock.set(at("2025-09-26 09:00")))
    notice = UrgingNotice.objects.get(target_id=assigned.pk)
    assert notice.unit == world.units["transport"]
    doc = Document(io.BytesIO(urging_docx(notice)))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert assigned.number in text
    assert "催 办 单" in text and world.units["transport"].name in text


def test_a_dead_workers_lease_expires_and_nothing_is_doubled(world, clock):
    people = [world.people["liaison"].pk, world.people["handler"].pk]
    for n in range(3):
        worker.enqueue(
            f"report:late:{n}", recipients=people, title=f"月报逾期{n}", url="/reports/", due_at=clock.now
        )
    worker.enqueue("report:late:0", recipients=people, title="重复", due_at=clock.now)  # same key: ignored
    claimed = worker.claim(
        Dispatch,
        worker._claimable_dispatches(clock.now),
        now=clock.now,
        me="dead-worker",
        size=100,
        lease_field="lease_until",
        mark={"status": DispatchStatus.CLAIMED, "claimed_by": "dead-worker"},
    )
    assert len(claimed) == 3
    # While the lease holds, nobody else takes it.
    assert worker.deliver(clock.advance(minutes=1), me="live") == 0
    assert Notification.objects.count() == 0
    # After it expires the live worker delivers; the dead one coming back can neither mark nor double it.
    assert worker.deliver(clock.advance(minutes=10), me="live") == 3
    assert worker._deliver_batch(claimed, clock.now, "dead-worker", {}) == 0
    assert Notification.objects.count() == 6
    assert set(Dispatch.objects.values_list("claimed_by", flat=True)) == {"live"}


def test_a_worker_dying_mid_plan_loses_nothing(world, clock, assigned, monkeypatch):
    real = worker.insert_new

    def dies(table, *args, **kwargs):
        if table == "supervision_notification":
            raise RuntimeError("killed")
        return real(table, *args, **kwargs)

    monkeypatch.setattr(worker, "insert_new", dies)
    with pytest.raises(RuntimeError):
        worker.plan_deadlines(clock.now)
    assert not Dispatch.objects.exists()
    monkeypatch.setattr(worker, "insert_new", real)
    worker.run_once(clock.now)
    assert keys_for(world.people["handler"]) == ["remind3"]


def test_emails_go_once_and_digest_people_get_one_digest(world, clock, assigned):
    handler, liaison = world.people["handler"], world.people["liaison"]
    handler.email, liaison.email = "handler@example.invalid", "liaison@example.invalid"
    liaison.wants_daily_digest = True
    handler.save()
    liaison.save()
    worker.run_once(clock.set(at("2025-09-22 07:00")))
    assert [m.to for m in mail.outbox] == [["handler@example.invalid"]]
    worker.run_once(clock.now)
    assert len(mail.outbox) == 1
    worker.run_once(clock.set(at("2025-09-22 08:30")))
    assert [m.to for m in mail.outbox][1:] == [["liaison@example.invalid"]]
    assert "每日摘要" in mail.outbox[1].subject and assigned.number in mail.outbox[1].body
    worker.run_once(clock.advance(hours=1))
    assert len(mail.outbox) == 2


def test_a_mail_server_failure_while_planning_leaves_the_emails_to_send_emails(
    world, clock, assigned, monkeypatch
):
    handler = world.people["handler"]
    handler.email = "handler@example.invalid"
    handler.save()

    class Down:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            raise OSError("connection refused")

        def __exit__(self, *exc):
            return None

    real = worker.mail.get_connection
    monkeypatch.setattr(worker.mail, "get_connection", lambda *a, **k: Down())
    worker.plan_deadlines(clock.now)
    note = Notification.objects.get(user=handler, key__endswith=":remind3")
    assert note.email_state == "pending" and note.emailed_at is None and not mail.outbox
    monkeypatch.setattr(worker.mail, "get_connection", real)
    clock.advance(minutes=1)
    assert worker.send_emails(clock.now) >= 1
    assert [m.to for m in mail.outbox] == [["handler@example.invalid"]]
    note.refresh_from_db()
    assert note.email_state == "sent"


def test_other_apps_jobs_are_discovered(monkeypatch, clock):
    calls = []

    class Fake:
        JOBS = [lambda now: calls.append(now) or 7]

    real = worker.hooks
    monkeypatch.setattr(worker, "hooks", lambda name, protocol: [*real(name, protocol), Fake])
    results = worker.run_once(clock.now)
    assert calls == [clock.now] and 7 in results.values()


def test_a_failing_job_does_not_stop_the_others(monkeypatch, clock):
    def broken(now):
        raise RuntimeError("boom")

    class Fake:
        JOBS = [broken]

    monkeypatch.setattr(worker, "hooks", lambda name, protocol: [Fake])
    results = worker.run_once(clock.now)
    assert results[f"{broken.__module__}.broken"] == -1
    assert any(name.endswith("deliver") for name in results)
