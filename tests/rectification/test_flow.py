"""Letter → reply → rectification → sign-off, sent back, permissions, overdue supervision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from taizhang.core.errors import ActionError, NotVisible, PermissionRefused, TransitionRefused
from taizhang.rectification import actions, worker_jobs
from taizhang.rectification.choices import LetterStatus, MeasureStatus
from taizhang.rectification.models import Letter, Measure

# The outcome depends on the date: run at a stated clock, and at every moment of `make test-dates`.
pytestmark = [pytest.mark.django_db, pytest.mark.calendar]
EVIDENCE = [("整改报告.txt", [b"done"])]


def test_letter_reply_rectification_signoff(world, rect):
    letter = rect.replied()
    assert letter.status == LetterStatus.RECTIFYING
    measures = list(Measure.objects.filter(problem__problem_list__letter=letter))
    assert len(measures) == 2 and {m.problem_id for m in measures} == {measures[0].problem_id}
    for m in measures:
        actions.do_report_measure_progress(
            m.pk, actor=world.people["handler"], body="已完成", evidence=EVIDENCE, request_completion=True
        )
    actions.do_review_measure(measures[0].pk, actor=world.people["office_staff"], approve=True)
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.RECTIFYING
    actions.do_review_measure(measures[1].pk, actor=world.people["office_leader"], approve=True)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RECTIFIED and letter.rectified_at


def test_send_back_returns_to_work(world, rect):
    letter = rect.replied()
    m = Measure.objects.filter(problem__problem_list__letter=letter).first()
    actions.do_report_measure_progress(
        m.pk, actor=world.people["liaison"], body="完成", evidence=EVIDENCE, request_completion=True
    )
    with pytest.raises(ActionError):
        actions.do_review_measure(m.pk, actor=world.people["office_staff"], approve=False, note="")
    m = actions.do_review_measure(m.pk, actor=world.people["office_staff"], approve=False, note="佐证不足")
    assert m.status == MeasureStatus.IN_PROGRESS
    with pytest.raises(TransitionRefused):
        actions.do_review_measure(m.pk, actor=world.people["office_staff"], approve=True)


def test_completion_needs_evidence(world, rect):
    letter = rect.replied()
    m = Measure.objects.filter(problem__problem_list__letter=letter).first()
    with pytest.raises(ActionError) as err:
        actions.do_report_measure_progress(
            m.pk, actor=world.people["liaison"], body="完成", request_completion=True
        )
    assert err.value.code == "evidence_required"


def test_only_recipient_replies_and_only_once(world, rect):
    letter = rect.letter()
    with pytest.raises(NotVisible):
        actions.do_reply_letter(letter.pk, actor=world.people["other_liaison"], reply="x", measures=[])
    with pytest.raises(PermissionRefused):
        actions.do_reply_letter(letter.pk, actor=world.people["office_staff"], reply="x", measures=[])
    actions.do_reply_letter(letter.pk, actor=world.people["liaison"], reply="已整改到位", measures=[])
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.RECTIFIED
    with pytest.raises(TransitionRefused):
        actions.do_reply_letter(letter.pk, actor=world.people["liaison"], reply="again", measures=[])


def test_responsible_unit_reports_not_others(world, rect):
    pl = rect.problem_list()
    m = Measure.objects.filter(problem__problem_list=pl).first()
    with pytest.raises(NotVisible):
        actions.do_report_measure_progress(m.pk, actor=world.people["liaison"], body="x")
    actions.do_report_measure_progress(m.pk, actor=world.people["other_liaison"], body="进展")
    with pytest.raises(PermissionRefused):
        actions.do_review_measure(m.pk, actor=world.people["other_leader"], approve=True)


def test_measure_version_conflict(world, rect):
    from taizhang.core.errors import ConflictError

    pl = rect.problem_list()
    m = Measure.objects.filter(problem__problem_list=pl).first()
    actions.do_report_measure_progress(
        m.pk, actor=world.people["other_liaison"], body="一", version=m.version
    )
    with pytest.raises(ConflictError):
        actions.do_report_measure_progress(
            m.pk, actor=world.people["other_liaison"], body="二", version=m.version
        )


def test_overdue_letters_and_measures_are_picked_once(world, rect):
    overdue = rect.letter(days_ago=90)
    rect.letter(days_ago=1)
    pl = rect.problem_list(deadlines=(-2, 10))
    now = timezone.now()
    worker_jobs.notify_overdue_letters(now)
    worker_jobs.notify_overdue_letters(now)
    assert list(Letter.objects.filter(overdue_notified_at__isnull=False).values_list("pk", flat=True)) == [
        overdue.pk
    ]
    worker_jobs.notify_overdue_measures(now)
    notified = Measure.objects.filter(problem__problem_list=pl, overdue_notified_on__isnull=False)
    assert notified.count() == 1 and notified.get().deadline < timezone.localdate()


def test_todos_list_letter_and_measure(world, rect):
    from taizhang.rectification.todos import todos_for

    rect.letter()
    kinds = {t.kind for t in todos_for(world.people["liaison"])}
    assert "letter_reply" in kinds


def test_evidence_upload_through_page(world, rect):
    letter = rect.replied()
    m = Measure.objects.filter(problem__problem_list__letter=letter).first()
    client = world.client_for("liaison")
    upload = SimpleUploadedFile("照片.txt", b"evidence bytes")
    response = client.post(
        f"/rectification/measures/{m.pk}/progress/",
        {"body": "完成", "request_completion": "on", "version": m.version, "evidence": upload},
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == MeasureStatus.REQUESTED
    evidence = m.reports.get().evidence.get()
    assert world.client_for("office_staff").get(f"/rectification/evidence/{evidence.pk}/").status_code == 200
    assert world.client_for("other_liaison").get(f"/rectification/evidence/{evidence.pk}/").status_code == 404


def test_reply_due_defaults_when_no_rule(world, rect):
    letter = rect.letter(days_ago=0)
    assert letter.reply_due_at.date() >= timezone.localdate() + dt.timedelta(days=28)


def test_sign_off_shows_who_approved_it_when_and_their_words(world, rect):
    letter = rect.replied()
    m = Measure.objects.filter(problem__problem_list__letter=letter).first()
    actions.do_report_measure_progress(
        m.pk, actor=world.people["liaison"], body="完成", evidence=EVIDENCE, request_completion=True
    )
    actions.do_review_measure(
        m.pk, actor=world.people["office_leader"], approve=True, note="整改到位，同意销号"
    )
    m.refresh_from_db()
    page = world.client_for("office_staff").get(f"/rectification/measures/{m.pk}/").content.decode()
    record = page.split("data-signed-off>")[1].split("</dd>")[0]
    assert str(world.people["office_leader"]) in record and "整改到位，同意销号" in record
    from django.utils import timezone

    assert timezone.localtime(m.signed_off_at).strftime("%Y-%m-%d %H:%M") in record
    history = page.split("data-measure-history>")[1].split("</ul>")[0]
    assert "审核同意销号" in history and "申请销号" in history and "measure." not in history
