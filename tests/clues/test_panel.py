"""The home page's ledger panel: every figure equals what the ledger it links to lists for the same person
(and so does every other app's figure that links to the ledger)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from taizhang.clues import actions
from taizhang.clues.choices import OPEN_STATUSES, ClueStatus, TransferAnswer
from taizhang.clues.filters import listed_total, parse
from taizhang.clues.models import Clue
from taizhang.clues.panels import home_panels
from taizhang.clues.visibility.answers import visible_status_counts
from taizhang.core.discovery import PanelsHook, hooks

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


def _ledger_total(user, url):
    """How many clues the ledger lists for `user` at `url` (its own counts: visible_status_counts)."""
    values = parse(QueryDict(urlsplit(url).query))
    return listed_total(visible_status_counts(user, values), values)


def test_every_home_figure_is_what_its_link_lists(world, walk):
    """Every figure of every app's home panel that links to the ledger counts exactly the clues the ledger
    lists at that link, for every persona. Built so that a figure's narrower set differs from a loose link:
    a clue of the unit it no longer handles (transferred), one due within three days, one late, a transfer
    awaiting the police's answer beside one the police answered."""
    walk.register()
    walk.triaged()
    walk.triaged(umbrella=True)
    walk.assigned(unit="transport")
    soon, late = walk.verifying(), walk.verifying()
    Clue.objects.filter(pk=soon.pk).update(deadline_at=timezone.now() + dt.timedelta(days=1))
    Clue.objects.filter(pk=late.pk).update(deadline_at=timezone.now() - dt.timedelta(days=1))
    walk.transferred()
    answered = walk.transferred()
    actions.do_answer_transfer(
        answered.transfers.get().pk,
        actor=world.people["police_liaison"],
        answer=TransferAnswer.FILED,
        case_reference="测公立〔2026〕8号",
    )
    ledger = reverse("clues:list")
    checked = 0
    for who, user in world.people.items():
        request = RequestFactory().get("/")
        request.user = user
        for module in hooks("panels", PanelsHook):
            for panel in module.home_panels(request):
                for item in panel.get("items", []):
                    if not isinstance(item, dict):  # a to-do line, not a figure
                        continue
                    url, count = item.get("url"), item.get("count")
                    if not url or count is None or urlsplit(url).path != ledger:
                        continue
                    assert count == _ledger_total(user, url), (who, str(item["label"]), url)
                    checked += 1
    assert checked >= 20


def test_the_overdue_figure_is_counted_once_and_is_the_boards_for_everyone(world, walk):
    """The ledger panel's 超期未办 and the supervision panel's figure: one count per request for an office, and
    the supervision board's own count for every persona."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from taizhang.supervision import boards
    from taizhang.supervision import panels as supervision_panels

    late = walk.verifying()
    Clue.objects.filter(pk=late.pk).update(deadline_at=timezone.now() - dt.timedelta(days=1))
    walk.transferred()
    for who, user in world.people.items():
        request = RequestFactory().get("/")
        request.user = user
        with CaptureQueriesContext(connection) as run:
            home_panels(request)
            shown = next(p for p in supervision_panels.home_panels(request) if "overdue_clues" in p)
        assert shown["overdue_clues"] == boards.overdue_clues(user, timezone.now()).count(), who
        counts = [
            q["sql"] for q in run.captured_queries if "COUNT(" in q["sql"] and "deadline_at" in q["sql"]
        ]
        if who in ("office_staff", "office_leader"):
            assert shown["overdue_clues"] == _figures(user)["超期未办"] == 1, who
            assert len([sql for sql in counts if "responsible_unit_id" not in sql]) == 1, who
