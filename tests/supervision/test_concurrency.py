"""Two workers at once (separate threads, separate connections, real transactions): every reminder, urging
notice and email exactly once. On PostgreSQL this exercises SELECT … FOR UPDATE SKIP LOCKED and the leases."""

from __future__ import annotations

import importlib
import threading

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection, connections

from taizhang.clues.models import Clue
from taizhang.supervision import worker
from taizhang.supervision.choices import DispatchStatus
from taizhang.supervision.models import Dispatch, Notification, UrgingNotice
from tests.clues.conftest import Walk
from tests.conftest import build_world
from tests.supervision.conftest import at


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_everything_exactly_once(clock, monkeypatch):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the concurrency proof needs PostgreSQL (make test runs it)")
    # An earlier transactional test's flush removed the roles the migration seeded; put them back.
    importlib.import_module("taizhang.org.migrations.0002_seed_roles").seed(apps, None)
    world = build_world()
    for key in ("handler", "liaison", "unit_leader", "office_leader", "office_staff"):
        person = world.people[key]
        person.email = f"{key}@example.invalid"
        person.save()
    walk = Walk(world)
    clues = [walk.assigned() for _ in range(12)]
    # Half overdue (urging and escalation), half due soon (reminders).
    for clue in clues[:6]:
        Clue.objects.filter(pk=clue.pk).update(deadline_at=at("2025-09-10 23:59"))
    now = clock.now
    # Small batches so the two workers interleave over many claims.
    monkeypatch.setattr(worker, "PLAN_BATCH", 3)
    monkeypatch.setattr(worker, "EMAIL_BATCH", 3)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            barrier.wait()
            worker.plan_deadlines(now, me=name)
            worker.deliver(now, me=name, batch=3)
            worker.send_emails(now, me=name)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    dispatches = Dispatch.objects.all()
    assert dispatches.filter(status=DispatchStatus.DONE).count() == dispatches.count() > 0
    # Each dispatch reached each of its recipients once; each notification was emailed once.
    expected = sum(len(d.payload["recipients"]) for d in dispatches)
    planned = Notification.objects.filter(key__in=dispatches.values("key"))
    assert planned.count() == expected
    # Every notification (these and the ones the assignments sent) was emailed exactly once.
    emailed = [int(pk) for m in mail.outbox for pk in m.extra_headers["X-Taizhang-Notifications"].split(",")]
    assert len(emailed) == len(set(emailed))
    assert set(emailed) == set(Notification.objects.exclude(email_state="").values_list("pk", flat=True))
    assert Notification.objects.filter(email_state="sent").count() == len(emailed) > expected
    assert UrgingNotice.objects.count() == 6
    # Planning the same chunks, the second worker waits on the first one's uncommitted keys and then writes
    # nothing for them: every dispatch has exactly one author.
    assert set(dispatches.values_list("claimed_by", flat=True)) <= {"w0", "w1"}
