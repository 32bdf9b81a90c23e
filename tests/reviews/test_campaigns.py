"""Review campaigns: selection, sampling with a recorded seed, reviewers, verdicts that reopen, the signature."""

from __future__ import annotations

import pytest

from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import ClueStatus, FindingResult
from taizhang.clues.models import Clue
from taizhang.core.errors import ActionError, NotVisible, PermissionRefused
from taizhang.core.models import AuditEntry
from taizhang.reviews import actions
from taizhang.reviews.choices import CampaignStatus, Sampling, SelectionReason, Verdict
from taizhang.reviews.models import ReviewCampaign, ReviewItem

pytestmark = pytest.mark.django_db


def _campaign(world, period, kind=Sampling.ALL, **kw):
    return actions.do_create_campaign(
        actor=world.people["office_staff"],
        title="2026年一季度查否线索回头看",
        office=world.units["city"],
        period_start=period[0],
        period_end=period[1],
        sampling_kind=kind,
        **kw,
    )


def test_default_selection_takes_unfounded_and_unverifiable_not_substantiated(world, ledger, period):
    unfounded = ledger.concluded(FindingResult.UNFOUNDED)
    unverifiable = ledger.concluded(FindingResult.UNVERIFIABLE)
    ledger.concluded(FindingResult.SUBSTANTIATED)
    campaign = _campaign(world, period)
    assert set(campaign.items.values_list("clue_id", flat=True)) == {unfounded.pk, unverifiable.pk}
    assert campaign.population == 2
    item = campaign.items.get(clue=unfounded)
    assert item.reason == SelectionReason.FINDING and item.handling_unit == world.units["transport"]


def test_a_clue_whose_subject_is_reported_again_after_conclusion_is_taken(world, ledger, period):
    from taizhang.search.duplicates import insert_keys

    subject = [SubjectData(name="刘某强", unit_name="某建材公司")]
    old = ledger.concluded(FindingResult.SUBSTANTIATED, subjects=subject)
    again = ledger.register(subjects=subject, summary="刘某强又在强揽工程")
    for clue in (old, again):  # the search app keeps the keys on commit; tests run inside one transaction
        insert_keys(Clue.objects.get(pk=clue.pk))
    campaign = _campaign(world, period)
    assert list(campaign.items.values_list("clue_id", "reason")) == [(old.pk, SelectionReason.REPEAT)]


def test_the_sample_is_reproducible_from_the_recorded_seed(world, ledger, period):
    for _ in range(6):
        ledger.concluded()
    first = _campaign(world, period, Sampling.COUNT, size=3, seed=20260401)
    second = _campaign(world, period, Sampling.COUNT, size=3, seed=20260401)
    assert set(first.items.values_list("clue_id", flat=True)) == set(
        second.items.values_list("clue_id", flat=True)
    )
    entry = AuditEntry.objects.get(action="review.campaign_create", object_id=str(first.pk))
    assert entry.after["seed"] == 20260401 and len(entry.after["sample"]) == 3
    assert entry.after["population_digest"] == first.population_digest


def test_a_sample_larger_than_the_population_is_refused_and_nothing_is_created(world, ledger, period):
    ledger.concluded()
    with pytest.raises(ActionError) as exc:
        _campaign(world, period, Sampling.COUNT, size=5)
    assert exc.value.code == "sample_too_large" and "大于候选线索数（1）" in exc.value.message
    assert not ReviewCampaign.objects.exists() and not ReviewItem.objects.exists()


def test_the_handling_unit_and_a_recused_unit_cannot_review(world, ledger, period):
    ledger.concluded()
    named = ledger.concluded(
        subjects=[SubjectData(name="周某", unit_name="测试市住建局", unit_id=world.units["construction"].pk)]
    )
    campaign = _campaign(world, period)
    items = {i.clue_id: i.pk for i in campaign.items.all()}
    with pytest.raises(ActionError) as exc:
        actions.do_assign_reviewer(
            campaign.pk,
            actor=world.people["office_staff"],
            item_ids=list(items.values()),
            reviewer_unit=world.units["transport"],
        )
    assert "原承办单位" in exc.value.message
    with pytest.raises(ActionError) as exc:
        actions.do_assign_reviewer(
            campaign.pk,
            actor=world.people["office_staff"],
            item_ids=[items[named.pk]],
            reviewer_unit=world.units["construction"],
        )
    assert "回避单位" in exc.value.message
    assert not ReviewItem.objects.filter(reviewer_unit__isnull=False).exists()  # nothing partial


def test_a_correction_reopens_the_clue_with_the_review_as_reason_and_the_leader_signs(world, ledger, period):
    kept, wrong = ledger.concluded(), ledger.concluded()
    campaign = _campaign(world, period)
    items = {i.clue_id: i for i in campaign.items.all()}
    actions.do_assign_reviewer(
        campaign.pk,
        actor=world.people["office_staff"],
        item_ids=[i.pk for i in items.values()],
        reviewer_unit=world.units["police"],
    )
    # The reviewer sees what it reviews, and nothing else of the campaign's clues is added to its sight.
    assert set(ReviewItem.objects.visible_to(world.people["police_liaison"])) == set(items.values())
    with pytest.raises(NotVisible):
        actions.do_record_verdict(
            items[kept.pk].pk, actor=world.people["other_liaison"], verdict=Verdict.UPHELD, reasons="x"
        )
    actions.do_record_verdict(
        items[kept.pk].pk,
        actor=world.people["police_liaison"],
        verdict=Verdict.UPHELD,
        reasons="核查充分，结论成立。",
    )
    with pytest.raises(ActionError):
        actions.do_close_campaign(campaign.pk, actor=world.people["office_leader"], conclusion="完成")
    actions.do_record_verdict(
        items[wrong.pk].pk,
        actor=world.people["police_liaison"],
        verdict=Verdict.CORRECTED,
        reasons="未走访举报人所述工地，核查不到位。",
    )
    wrong.refresh_from_db()
    assert wrong.status == ClueStatus.TRIAGED and wrong.reopen_count == 1
    reopen = AuditEntry.objects.get(action="clue.reopen", object_id=str(wrong.pk))
    assert "研判评查" in reopen.reason and "核查不到位" in reopen.reason
    with pytest.raises(PermissionRefused):
        actions.do_close_campaign(campaign.pk, actor=world.people["office_staff"], conclusion="完成")
    closed = actions.do_close_campaign(
        campaign.pk, actor=world.people["office_leader"], conclusion="纠正1件，维持1件。"
    )
    assert closed.status == CampaignStatus.CLOSED and closed.signed_by == world.people["office_leader"]
