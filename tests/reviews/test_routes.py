"""Review and call-back pages: never a reporter's name in a list; the contact only for the caller."""

from __future__ import annotations

import pytest
from django.utils import timezone

from taizhang.core.models import AuditEntry
from taizhang.reviews import actions, callbacks
from taizhang.reviews.choices import Sampling
from taizhang.reviews.models import CallbackTask

pytestmark = pytest.mark.django_db


def test_the_callback_list_never_shows_the_reporters_name_or_phone(world, ledger):
    ledger.concluded(real_name=True)
    callbacks.draw_for_office(
        world.units["city"], callbacks.month_start(timezone.localdate()), seed=3, share=100, minimum=1
    )
    for persona in ("office_staff", "custodian", "office_leader"):
        page = world.client_for(persona).get("/reviews/callbacks/").content.decode()
        assert "陈某某" not in page and "13912345678" not in page
    assert CallbackTask.objects.visible_to(world.people["liaison"]).count() == 0


def test_the_contact_needs_the_second_factor(world, ledger):
    ledger.concluded(real_name=True)
    callbacks.draw_for_office(
        world.units["city"], callbacks.month_start(timezone.localdate()), seed=3, share=100, minimum=1
    )
    task = CallbackTask.objects.get()
    response = world.client_for("custodian").post(f"/reviews/callbacks/{task.pk}/contact/")
    assert response.status_code == 302  # no second factor in this session: sent to verify, nothing opened
    assert not AuditEntry.objects.filter(action="reporter.reveal").exists()
    assert world.client_for("liaison").post(f"/reviews/callbacks/{task.pk}/contact/").status_code == 404


def test_the_campaign_board_drills_down_by_unit(world, ledger, period):
    ledger.concluded(), ledger.concluded()
    campaign = actions.do_create_campaign(
        actor=world.people["office_staff"],
        title="回头看",
        office=world.units["city"],
        period_start=period[0],
        period_end=period[1],
        sampling_kind=Sampling.ALL,
    )
    client = world.client_for("office_staff")
    page = client.get(
        f"/reviews/{campaign.pk}/?unit={world.units['transport'].pk}&bucket=sampled"
    ).content.decode()
    assert page.count("/clues/") >= 2
    assert world.client_for("liaison").get(f"/reviews/{campaign.pk}/").status_code == 404


def test_a_sample_larger_than_the_population_keeps_the_form_and_says_why(world, ledger, period):
    ledger.concluded()
    response = world.client_for("office_staff").post(
        "/reviews/new/",
        {
            "title": "超量抽取",
            "period_start": period[0].isoformat(),
            "period_end": period[1].isoformat(),
            "sampling": "count",
            "size": "9",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "大于候选线索数（1）" in page and 'value="超量抽取"' in page
    assert world.client_for("liaison").get("/reviews/new/").status_code == 404


def test_the_leader_signs_the_campaign_from_its_page(world, ledger, period):
    clue = ledger.concluded()
    campaign = actions.do_create_campaign(
        actor=world.people["office_staff"],
        title="回头看",
        office=world.units["city"],
        period_start=period[0],
        period_end=period[1],
        sampling_kind=Sampling.ALL,
    )
    item = campaign.items.get(clue=clue)
    world.client_for("office_staff").post(
        f"/reviews/{campaign.pk}/assign/", {"items": [item.pk], "reviewer_unit": world.units["police"].pk}
    )
    world.client_for("police_liaison").post(
        f"/reviews/items/{item.pk}/verdict/", {"verdict": "upheld", "reasons": "核查到位。"}
    )
    world.client_for("office_staff").post(f"/reviews/{campaign.pk}/close/", {"conclusion": "维持1件"})
    campaign.refresh_from_db()
    assert campaign.status == "reviewing"  # staff may not sign
    world.client_for("office_leader").post(f"/reviews/{campaign.pk}/close/", {"conclusion": "维持1件"})
    campaign.refresh_from_db()
    assert campaign.status == "closed" and campaign.signed_by == world.people["office_leader"]
