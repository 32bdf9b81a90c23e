"""Call-backs: the monthly draw, the contact opened only for the caller, outcomes, 不满意 into the next review;
messages to reporters through the notifier, with a local SMS gateway that answers, fails or times out."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
import time

import pytest
from django.utils import timezone

from taizhang.core.errors import ActionError, PermissionRefused
from taizhang.core.models import AuditEntry
from taizhang.reviews import actions, callbacks, notify
from taizhang.reviews.choices import CallbackOutcome, MessageChannel, MessageStatus, Sampling, SelectionReason
from taizhang.reviews.models import CallbackTask, ReporterMessage
from tests.reviews.conftest import PHONE

pytestmark = pytest.mark.django_db


def _draw(world, **kw):
    month = callbacks.month_start(timezone.localdate())
    return callbacks.draw_for_office(world.units["city"], month, seed=1, **kw), month


def test_the_monthly_draw_takes_a_share_of_real_name_reporters_at_least_n_once(world, ledger):
    for _ in range(4):
        ledger.concluded(real_name=True)
    ledger.concluded(real_name=False)
    created, month = _draw(world, share=10, minimum=3)
    assert created == 3
    assert callbacks.draw_for_office(world.units["city"], month, seed=2) == 0  # drawn once per month
    tasks = list(CallbackTask.objects.all())
    assert {t.assignee for t in tasks} == {world.people["custodian"]}
    assert all(t.handling_unit == world.units["transport"] for t in tasks)


def test_the_contact_channel_is_revealed_to_the_caller_only_and_audited(world, ledger):
    ledger.concluded(real_name=True)
    _draw(world, share=100, minimum=1)
    task = CallbackTask.objects.get()
    from taizhang.org.choices import RoleCode
    from tests.factories import UserFactory

    other_custodian = UserFactory(
        unit=world.units["city"], role_codes=[RoleCode.IDENTITY_CUSTODIAN, RoleCode.OFFICE_STAFF]
    )
    for who in (world.people["office_staff"], other_custodian):  # not the caller of this task
        with pytest.raises(PermissionRefused):
            callbacks.do_reveal_contact(task.pk, actor=who, second_factor=True)
    contact = callbacks.do_reveal_contact(task.pk, actor=world.people["custodian"], second_factor=True)
    assert contact == {"phone": PHONE, "email": "c@example.cn"}  # never the name
    entry = AuditEntry.objects.filter(action="reporter.reveal").get()
    assert f"回访任务 #{task.pk}" in entry.reason


def test_dissatisfied_goes_into_the_next_review_campaign(world, ledger, period):
    from taizhang.clues.choices import FindingResult

    clue = ledger.concluded(FindingResult.SUBSTANTIATED, real_name=True)
    _draw(world, share=100, minimum=1)
    task = CallbackTask.objects.get()
    with pytest.raises(ActionError):  # 不满意 needs notes
        callbacks.do_record_callback(
            task.pk, actor=world.people["custodian"], outcome=CallbackOutcome.DISSATISFIED, notes=""
        )
    callbacks.do_record_callback(
        task.pk, actor=world.people["custodian"], outcome=CallbackOutcome.DISSATISFIED, notes="认为核查走过场"
    )
    campaign = actions.do_create_campaign(
        actor=world.people["office_staff"],
        title="回访不满意线索评查",
        office=world.units["city"],
        period_start=period[0],
        period_end=period[1],
        sampling_kind=Sampling.ALL,
    )
    item = campaign.items.get()
    assert (item.clue_id, item.reason) == (clue.pk, SelectionReason.DISSATISFIED)
    task.refresh_from_db()
    assert task.review_item == item


class _Gateway(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []
    mode = "ok"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.mode == "slow":
            time.sleep(1.5)
        _Gateway.received.append(body)
        self.send_response(500 if self.mode == "error" else 200)
        self.end_headers()
        self.wfile.write(b'{"code": 0}')

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/sms/send"
    settings.SMS_GATEWAY_TIMEOUT = 1
    _Gateway.received, _Gateway.mode = [], "ok"
    yield _Gateway
    server.shutdown()
    server.server_close()


def test_an_sms_goes_through_the_gateway_with_the_template(world, ledger, gateway):
    clue = ledger.concluded(real_name=True)
    message = notify.do_send_to_reporter(
        clue.pk, actor=world.people["office_staff"], channel=MessageChannel.SMS, body="您反映的问题已办结。"
    )
    assert message.status == MessageStatus.SENT
    assert gateway.received == [{"mobile": PHONE, "content": "您反映的问题已办结。"}]


def test_a_gateway_timeout_is_a_clear_failure_retried_by_the_worker(world, ledger, gateway):
    clue = ledger.concluded(real_name=True)
    gateway.mode = "slow"
    message = notify.do_send_to_reporter(
        clue.pk, actor=world.people["office_staff"], channel=MessageChannel.SMS, body="办结告知"
    )
    assert message.status == MessageStatus.FAILED and "超时" in message.last_error and message.attempts == 1
    assert notify.retry_failed(timezone.now()) == 0  # not due yet
    gateway.mode = "ok"
    assert notify.retry_failed(timezone.now() + dt.timedelta(minutes=6)) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2


def test_an_anonymous_reporter_cannot_be_sent_an_sms_and_it_stays_visible(world, ledger, gateway):
    clue = ledger.concluded(real_name=False)
    message = notify.do_send_to_reporter(
        clue.pk, actor=world.people["office_staff"], channel=MessageChannel.SMS, body="告知"
    )
    assert message.status == MessageStatus.FAILED and "匿名" in message.last_error
    assert gateway.received == []
    assert list(ReporterMessage.objects.visible_to(world.people["other_liaison"])) == []


def test_a_message_held_by_a_dead_sender_is_taken_again_after_its_lease(world, ledger, gateway):
    clue = ledger.concluded(real_name=True)
    message = ReporterMessage.objects.create(
        clue=clue,
        channel=MessageChannel.SMS,
        body="办结告知",
        created_by=world.people["office_staff"],
        status=MessageStatus.SENDING,
        next_attempt_at=timezone.now() + notify.LEASE,
    )
    assert notify.retry_failed(timezone.now()) == 0  # its sender may still be at work
    assert notify.retry_failed(timezone.now() + notify.LEASE + dt.timedelta(seconds=1)) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and len(gateway.received) == 1


def test_the_worker_draws_last_months_call_backs(world, ledger):
    ledger.concluded(real_name=True)
    next_month = callbacks.month_start(timezone.localdate()) + dt.timedelta(days=40)
    now = timezone.make_aware(dt.datetime.combine(next_month, dt.time(9)))
    assert callbacks.draw_monthly(now) == 1
    assert callbacks.draw_monthly(now) == 0
    assert CallbackTask.objects.get().month == callbacks.month_start(timezone.localdate())


def test_the_worker_runs_the_drive_and_review_jobs():
    from taizhang.supervision.worker import jobs

    names = {job.__name__ for job in jobs()}
    assert {"open_due_rounds", "draw_monthly", "retry_failed"} <= names
