"""Satisfaction and drive figures reach the dashboard and the bulletin, with drill-down to the tasks."""

from __future__ import annotations

import pytest
from django.utils import timezone

from taizhang.reports.dashboard import optional_series
from taizhang.reports.periods import Period
from taizhang.reviews import callbacks
from taizhang.reviews.choices import CallbackOutcome
from taizhang.reviews.models import CallbackTask

pytestmark = pytest.mark.django_db


def test_satisfaction_by_unit_on_the_dashboard_drills_down_to_the_tasks(world, ledger):
    for _ in range(2):
        ledger.concluded(real_name=True)
    callbacks.draw_for_office(
        world.units["city"], callbacks.month_start(timezone.localdate()), seed=5, share=100, minimum=1
    )
    first, second = CallbackTask.objects.order_by("pk")
    callbacks.do_record_callback(
        first.pk, actor=world.people["custodian"], outcome=CallbackOutcome.SATISFIED, notes=""
    )
    callbacks.do_record_callback(
        second.pk, actor=world.people["custodian"], outcome=CallbackOutcome.DISSATISFIED, notes="未走访"
    )
    period = Period.parse("month", timezone.localdate().strftime("%Y-%m"))
    series = optional_series(world.people["office_leader"], world.units["city"], period)
    [bar] = series["satisfaction"]
    transport = world.units["transport"].pk
    assert bar["value"] == 50.0 and bar["url"] == f"/reviews/callbacks/?unit={transport}"
    page = world.client_for("office_leader").get(bar["url"]).content.decode()
    assert page.count("/reviews/callbacks/") >= 1 and "不满意" in page
    # A unit's leader sees none of the office's call-backs: no bar at all.
    assert "satisfaction" not in optional_series(
        world.people["unit_leader"], world.units["transport"], period
    )
