"""The 节假日安排 import: an administrator confirms a notice's days as overrides; unknown years are announced.

The notices here are made up (tests/supervision/notices.py), not the State Council's: they state the calendar
data each test runs on.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from taizhang.core import clock, deadlines
from taizhang.core.errors import ActionError, PermissionRefused
from taizhang.core.models import AuditEntry
from taizhang.pure.workdays import OFFICIAL_YEARS
from taizhang.supervision.actions.calendar import do_apply_holiday_notice
from taizhang.supervision.models import CalendarOverride, HolidayNotice
from tests.conftest import shanghai
from tests.supervision.notices import NOTICE_2027, NOTICE_2028

D = dt.date
WARNING = "系统尚无该年的法定节假日安排"


@pytest.fixture(autouse=True)
def _admin_without_second_factor(db):
    """The second factor is tested in tests/foundation; here the administrator is past it."""
    from taizhang.org.models import Role

    Role.objects.filter(code="sysadmin").update(requires_2fa=False)


def test_the_package_does_not_know_2027_or_2028():
    # If a newer chinesecalendar ships 2027, these tests still hold: they state their data through notices.
    assert 2026 in OFFICIAL_YEARS
    assert 2028 not in OFFICIAL_YEARS


def test_a_deadline_from_2027_12_20_into_2028_follows_the_confirmed_notice(world):
    with time_machine.travel(shanghai("2027-12-20 10:00"), tick=False):
        now = clock.now()
        # Without a notice for 2028: Monday to Friday. 30 days end on Wednesday 19 January 2028.
        assert deadlines.due_at("verification", now).date() == D(2028, 1, 19)
        assert deadlines.add_workdays(now, 10).date() == D(2028, 1, 3)
        do_apply_holiday_notice(NOTICE_2028, None, actor=world.people["sysadmin"])
        # With it: 19 January is inside the made-up 春节 (15–23 January), so the limit runs to Monday 24th;
        # 3 January is 元旦, so the tenth working day is 4 January.
        assert deadlines.due_at("verification", now).date() == D(2028, 1, 24)
        assert deadlines.add_workdays(now, 10).date() == D(2028, 1, 4)
        # The worked Saturday of the notice counts: from Friday 7 January, one working day is Saturday 8th.
        assert deadlines.add_workdays(shanghai("2028-01-07 10:00"), 1).date() == D(2028, 1, 8)
        assert deadlines.year_is_known(2028) and not deadlines.year_is_known(2027)


def test_applying_writes_overrides_the_notice_and_an_audit_entry(world):
    admin = world.people["sysadmin"]
    CalendarOverride.objects.create(date=D(2027, 2, 6), is_workday=False, note="手工")
    notice = do_apply_holiday_notice(NOTICE_2027, None, actor=admin)
    assert notice.year == 2027 and notice.applied_by == admin
    assert CalendarOverride.objects.get(date=D(2027, 2, 6)).is_workday is True  # the 调休 Saturday
    assert CalendarOverride.objects.get(date=D(2027, 2, 10)).is_workday is False
    assert CalendarOverride.objects.get(date=D(2027, 2, 10)).note == "春节放假"
    entry = AuditEntry.objects.get(action="calendar.apply_notice")
    assert entry.before == {"2027-02-06": False}
    assert entry.after["2027-02-06"] is True and entry.after["2027-02-10"] is False
    # Applied again without 元旦: that notice's earlier days go, the rest stay.
    shorter = NOTICE_2027.replace("一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n", "")
    do_apply_holiday_notice(shorter, 2027, actor=admin)
    assert not CalendarOverride.objects.filter(date=D(2027, 1, 1)).exists()
    assert CalendarOverride.objects.filter(date=D(2027, 2, 10)).exists()
    assert HolidayNotice.objects.count() == 1


def test_only_an_administrator_applies_and_a_faulty_notice_is_refused(world):
    with pytest.raises(PermissionRefused):
        do_apply_holiday_notice(NOTICE_2027, None, actor=world.people["office_leader"])
    with pytest.raises(ActionError) as refused:
        do_apply_holiday_notice(NOTICE_2027, 2029, actor=world.people["sysadmin"])
    assert "星期" in refused.value.message
    assert (
        not CalendarOverride.objects.exists()
        and not AuditEntry.objects.filter(action="calendar.apply_notice").exists()
    )


def test_the_page_previews_then_applies(world):
    client = world.client_for("sysadmin")
    url = reverse("supervision:holiday_notice")
    assert client.get(url).status_code == 200
    preview = client.post(url, {"text": NOTICE_2027, "year": ""})
    body = preview.content.decode()
    assert "2027-02-06" in body and "确认并调整工作日" in body
    assert not CalendarOverride.objects.exists()  # a preview changes nothing
    applied = client.post(url, {"text": NOTICE_2027, "year": "2027", "confirm": "1"}, follow=True)
    assert "已按2027年节假日安排调整" in applied.content.decode()
    assert CalendarOverride.objects.get(date=D(2027, 2, 6)).is_workday is True


def test_the_page_keeps_the_text_and_explains_a_faulty_notice(world):
    client = world.client_for("sysadmin")
    url = reverse("supervision:holiday_notice")
    body = client.post(url, {"text": NOTICE_2027, "year": "2029"}).content.decode()
    assert "星期" in body and "确认并调整工作日" not in body
    assert "春节：2月7日" in body  # what was typed is still there
    assert "请粘贴通知原文" in client.post(url, {"text": "  "}).content.decode()
    refused = client.post(url, {"text": NOTICE_2027, "year": "27年"}).content.decode()
    assert "年份应为四位数字" in refused and "春节：2月7日" in refused and "27年" in refused


def test_a_text_file_can_be_uploaded(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world.client_for("sysadmin")
    upload = SimpleUploadedFile("notice.txt", NOTICE_2027.encode("gb18030"), content_type="text/plain")
    body = client.post(reverse("supervision:holiday_notice"), {"file": upload}).content.decode()
    assert "2027-02-10" in body


@pytest.mark.parametrize("persona", ["office_leader", "office_staff", "liaison"])
def test_other_roles_do_not_see_the_page(world, persona):
    client = world.client_for(persona)
    assert client.get(reverse("supervision:holiday_notice")).status_code == 404
    assert client.post(reverse("supervision:holiday_notice"), {"text": NOTICE_2027}).status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(reverse("supervision:holiday_notice")).status_code == 302


def test_a_step_whose_deadline_runs_into_an_unknown_year_says_so(world, walk):
    with time_machine.travel(shanghai("2026-12-31 10:00"), tick=False):
        clue = walk.register()
        response = world.client_for("office_staff").post(
            reverse("clues:triage", args=[clue.pk]),
            {"in_scope": "1", "category": "evil", "priority": "normal", "version": clue.version},
            follow=True,
        )
        assert WARNING in response.content.decode()  # the assign deadline is 1 January 2027
        do_apply_holiday_notice(NOTICE_2027, None, actor=world.people["sysadmin"])
        clue = walk.register()
        response = world.client_for("office_staff").post(
            reverse("clues:triage", args=[clue.pk]),
            {"in_scope": "1", "category": "evil", "priority": "normal", "version": clue.version},
            follow=True,
        )
        assert WARNING not in response.content.decode()


@pytest.mark.parametrize(
    ("moment", "years"),
    [("2026-10-31 23:00", []), ("2026-11-01 09:00", [2027]), ("2027-03-01 09:00", [2027])],
)
def test_the_admin_home_warns_from_1_november(world, moment, years):
    with time_machine.travel(shanghai(moment), tick=False):
        body = world.client_for("sysadmin").get(reverse("core:home")).content.decode()
        assert ("tz-calendar-panel" in body) is bool(years)
        for year in years:
            assert f"{year} 年" in body
        # Others are not told to import anything on their home page.
        assert (
            "tz-calendar-panel"
            not in world.client_for("office_staff").get(reverse("core:home")).content.decode()
        )


def test_the_admin_home_is_quiet_once_next_year_is_confirmed(world):
    with time_machine.travel(shanghai("2026-11-15 09:00"), tick=False):
        do_apply_holiday_notice(NOTICE_2027, None, actor=world.people["sysadmin"])
        body = world.client_for("sysadmin").get(reverse("core:home")).content.decode()
        assert "tz-calendar-panel" not in body


@pytest.mark.calendar
def test_the_calendar_in_force_is_the_stated_one(world, walk):
    """At every moment of the matrix: the package's years, else the made-up notices the tests confirm."""
    import chinese_calendar

    from taizhang.pure.holiday_notice import parse_notice

    stated = {d.day: d.is_workday for text in (NOTICE_2027, NOTICE_2028) for d in parse_notice(text).days}

    def expected(day: dt.date) -> bool:
        if day.year in OFFICIAL_YEARS:
            return chinese_calendar.is_workday(day)
        return stated.get(day, day.weekday() < 5)

    clue = walk.register()  # triage is due the next working day by the stated calendar
    today = timezone.localtime(
        clue.received_at
    ).date()  # (the clock ticks: read the day the clue was stamped)
    assert deadlines.year_is_known(today.year)
    for offset in range(-3, 15):
        day = today + dt.timedelta(days=offset)
        assert deadlines.calendar().is_workday(day) == expected(day), day
    next_workday = today + dt.timedelta(days=1)
    while not expected(next_workday):
        next_workday += dt.timedelta(days=1)
    assert timezone.localtime(clue.deadline_at).date() == next_workday
