"""The home page's ledger panel: every figure equals what the ledger it links to lists for the same person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from taizhang.clues.choices import OPEN_STATUSES, ClueStatus
from taizhang.clues.models import Clue
from taizhang.clues.panels import home_panels

# The outcome depends on the date: run at a stated clock, and at every moment of `make test-dates`.
pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


def _figures(user):
    request = RequestFactory().get("/")
    request.user = user
    panels = home_panels(request)
    return {item["label"]: item["count"] for item in panels[0]["items"]} if panels else {}


def test_panel_counts_what_each_person_sees(world, walk):
    walk.register()
    walk.register()
    walk.triaged()
    walk.triaged(umbrella=True)  # office leaders and discipline handlers only
    walk.assigned(unit="transport")
    late = walk.verifying()
    Clue.objects.filter(pk=late.pk).update(deadline_at=timezone.now() - dt.timedelta(days=1))
    walk.transferred()
    now = timezone.now()
    for who in ("office_staff", "office_leader", "district_staff"):
        user = world.people[who]
        visible = Clue.objects.visible_to(user)
        got = _figures(user)
        assert got["待分流"] == visible.filter(status=ClueStatus.REGISTERED).count(), who
        assert got["待交办"] == visible.filter(status=ClueStatus.TRIAGED).count(), who
        assert got["在办线索"] == visible.filter(status__in=OPEN_STATUSES).count(), who
        assert got["超期未办"] == visible.filter(status__in=OPEN_STATUSES, deadline_at__lt=now).count(), who
    staff = _figures(world.people["office_staff"])
    # The 保护伞 clue is not theirs.
    assert staff["待分流"] == 2 and staff["待交办"] == 1 and staff["超期未办"] == 1
    assert _figures(world.people["office_leader"])["待交办"] == 2
    unit = _figures(world.people["handler"])
    mine = Clue.objects.visible_to(world.people["handler"]).filter(responsible_unit=world.units["transport"])
    assert (
        unit["交本单位办理"]
        == mine.filter(status__in=[ClueStatus.ASSIGNED, ClueStatus.VERIFYING]).count()
        == 2
    )
    assert unit["已超期"] == 1
    assert _figures(world.people["police_liaison"])["待答复移送"] == 1
    assert _figures(world.people["other_liaison"])["交本单位办理"] == 0
