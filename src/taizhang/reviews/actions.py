"""Every change to review campaigns and their items: one audited, locked, checked function each."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from taizhang.clues.actions import do_reopen_clue
from taizhang.clues.models import Clue, Recusal
from taizhang.core import audit, clock
from taizhang.core.actors import SystemActor
from taizhang.core.errors import ActionError, NotVisible
from taizhang.core.workflow import check_transition, check_version
from taizhang.org.actors import Actor
from taizhang.org.choices import UnitKind
from taizhang.org.models import Unit, User
from taizhang.reviews import permissions as perm
from taizhang.reviews import sampling
from taizhang.reviews.choices import (
    CAMPAIGN_TRANSITIONS,
    VERDICT_TRANSITIONS,
    CallbackOutcome,
    CampaignStatus,
    Sampling,
    SelectionReason,
    Verdict,
)
from taizhang.reviews.models import CallbackTask, ReviewCampaign, ReviewItem
from taizhang.reviews.selection import population

MAX_SEED = 2**62
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError("required", message)
    return value


def _sample_size(kind: str, pop: int, share: int | None, size: int | None) -> int:
    if kind == Sampling.ALL:
        return pop
    if kind == Sampling.SHARE:
        if share is None or not 1 <= share <= 100:
            raise ActionError("invalid_share", _("抽取比例须在 1% 至 100% 之间。"))
        return sampling.share_size(pop, share, minimum=1)
    if kind == Sampling.COUNT:
        if size is None or size < 1:
            raise ActionError("invalid_size", _("抽取数量须为正整数。"))
        if size > pop:
            raise ActionError(
                "sample_too_large",
                _("抽取数量（%(n)s）大于候选线索数（%(m)s），请减少抽取数量或选择全部评查。")
                % {"n": size, "m": pop},
                detail={"size": size, "population": pop},
            )
        return size
    raise ActionError("invalid_sampling", _("请选择抽取方式。"))


@transaction.atomic
def do_create_campaign(
    *,
    actor: User,
    title: str,
    office: Unit,
    period_start: dt.date,
    period_end: dt.date,
    sampling_kind: str,
    share: int | None = None,
    size: int | None = None,
    include_repeats: bool = True,
    seed: int | None = None,
) -> ReviewCampaign:
    """Select the clues, draw the sample with a recorded seed, and take in every 不满意 call-back not yet reviewed."""
    if office.kind != UnitKind.OFFICE:
        raise ActionError("invalid_office", _("评查须由扫黑办组织。"))
    perm.require(perm.is_office_over(actor, office.path), _("只有扫黑办可以组织评查。"))
    if not (EARLIEST <= period_start <= LATEST and EARLIEST <= period_end <= LATEST):
        raise ActionError("invalid_date", _("日期须在 2000 年至 2100 年之间。"))
    if period_end < period_start:
        raise ActionError("invalid_date", _("截止日期不能早于起始日期。"))
    seed = secrets.randbelow(MAX_SEED) if seed is None else int(seed)
    if not 0 <= seed < MAX_SEED:
        raise ActionError("invalid_seed", _("随机种子超出范围。"))
    found = population(actor, office, period_start, period_end, include_repeats=include_repeats)
    pairs = [(pk, unit) for pk, (unit, _why) in found.items()]
    total = _sample_size(sampling_kind, len(pairs), share, size)
    chosen = sampling.draw(pairs, total, seed)
    # A reporter's 不满意 puts the clue in the next campaign whatever the draw (once).
    unhappy = list(
        CallbackTask.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(
            office__path__startswith=office.path,
            outcome=CallbackOutcome.DISSATISFIED,
            review_item__isnull=True,
        )
        .select_related("clue")
    )
    if not chosen and not unhappy:
        raise ActionError("empty", _("所选期间没有符合条件的线索，未建立评查。"))
    campaign = ReviewCampaign.objects.create(
        title=_text(title, _("评查名称不能为空。"))[:120],
        office=office,
        period_start=period_start,
        period_end=period_end,
        include_repeats=include_repeats,
        sampling=sampling_kind,
        share=share if sampling_kind == Sampling.SHARE else None,
        size=size if sampling_kind == Sampling.COUNT else None,
        seed=seed,
        population=len(pairs),
        population_digest=sampling.digest(pairs),
        created_by=actor,
    )
    items = {
        pk: ReviewItem(
            campaign=campaign, clue_id=pk, reason=found[pk][1], handling_unit_id=found[pk][0] or None
        )
        for pk in chosen
    }
    for task in unhappy:
        items.setdefault(
            task.clue_id,
            ReviewItem(
                campaign=campaign,
                clue_id=task.clue_id,
                reason=SelectionReason.DISSATISFIED,
                handling_unit_id=task.handling_unit_id,
            ),
        )
    ReviewItem.objects.bulk_create(items.values())
    by_clue = dict(ReviewItem.objects.filter(campaign=campaign).values_list("clue_id", "pk"))
    for task in unhappy:
        task.review_item_id = by_clue[task.clue_id]
        task.save(update_fields=["review_item"])
    audit.record(
        "review.campaign_create",
        actor=actor,
        obj=campaign,
        after={
            "seed": seed,
            "sampling": sampling_kind,
            "share": share,
            "size": size,
            "population": len(pairs),
            "population_digest": campaign.population_digest,
            "sample": chosen,
            "dissatisfied": [t.clue_id for t in unhappy],
        },
    )
    return campaign


def _lock_campaign(campaign_id: int, actor: Actor) -> ReviewCampaign:
    campaign = (
        ReviewCampaign.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("office")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise NotVisible()
    return campaign


def _conflict(item: ReviewItem, unit: Unit) -> str:
    """Why `unit` may not review the item's clue ('' when it may)."""
    if item.handling_unit_id and unit.pk == item.handling_unit_id:
        return _("%(n)s：评查单位是该线索的原承办单位") % {"n": item.clue.number}
    recused = Recusal.objects.filter(clue_id=item.clue_id).values_list("unit__path", flat=True)
    if any(unit.path.startswith(path) for path in recused):
        return _("%(n)s：评查单位是该线索的回避单位") % {"n": item.clue.number}
    return ""


@transaction.atomic
def do_assign_reviewer(campaign_id: int, *, actor: Actor, item_ids: list[int], reviewer_unit: Unit) -> int:
    """Give items to a reviewing unit: never the unit that handled the clue, never a recused unit (all or none)."""
    campaign = _lock_campaign(campaign_id, actor)
    perm.require(
        perm.is_office_over(actor, campaign.office.path), _("只有组织评查的扫黑办可以分配评查单位。")
    )
    if campaign.status != CampaignStatus.REVIEWING:
        raise ActionError("campaign_closed", _("评查已签批结束，不能再分配。"))
    if not reviewer_unit.path.startswith(campaign.office.path):
        raise ActionError("invalid_unit", _("评查单位须在本机关管辖范围内。"))
    items = list(
        campaign.items.select_for_update(of=("self",))
        .select_related("clue")
        .filter(pk__in=item_ids)
        .order_by("pk")
    )
    if not items or len(items) != len(set(item_ids)):
        raise ActionError("invalid_items", _("请选择本次评查中的线索。"))
    problems = [p for p in (_conflict(i, reviewer_unit) for i in items) if p]
    decided = [i.clue.number for i in items if i.verdict != Verdict.PENDING]
    if decided:
        problems.append(_("已评查完毕的线索不能改派：%(n)s") % {"n": "、".join(decided)})
    if problems:
        raise ActionError("reviewer_conflict", "；".join(problems), detail={"problems": problems})
    for item in items:
        item.reviewer_unit = reviewer_unit
        item.version += 1
        item.save(update_fields=["reviewer_unit", "version"])
    audit.record(
        "review.assign",
        actor=actor,
        obj=campaign,
        after={"items": [i.pk for i in items], "reviewer_unit": reviewer_unit.pk},
    )
    return len(items)


@transaction.atomic
def do_record_verdict(
    item_id: int, *, actor: Actor, verdict: str, reasons: str, version: int | None = None
) -> ReviewItem:
    """The reviewing unit's verdict: 维持, or 纠正 — which reopens the clue with the review as its reason."""
    item = (
        ReviewItem.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("campaign", "clue")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotVisible()
    perm.require(perm.is_reviewer(actor, item.reviewer_unit_id), _("只有分配的评查单位可以提出评查意见。"))
    if item.campaign.status != CampaignStatus.REVIEWING:
        raise ActionError("campaign_closed", _("评查已签批结束，不能再提出意见。"))
    check_version(item, version, ["verdict", "reasons"])
    check_transition(VERDICT_TRANSITIONS, item.verdict, verdict, labels=Verdict)
    reasons = _text(reasons, _("请写明评查理由。"))
    before = audit.snapshot(item, ["verdict", "reasons"])
    item.verdict, item.reasons, item.decided_by, item.decided_at = verdict, reasons, actor, clock.now()
    item.version += 1
    item.save(update_fields=["verdict", "reasons", "decided_by", "decided_at", "version"])
    if verdict == Verdict.CORRECTED:
        # The reviewer was given this clue by its office; the reopen is recorded under the review's name.
        do_reopen_clue(
            item.clue_id,
            actor=SystemActor.acting_for(
                _("研判评查：%(c)s（%(p)s）") % {"c": item.campaign.title[:60], "p": actor}
            ),
            reason=_("研判评查「%(c)s」纠正：%(r)s") % {"c": item.campaign.title, "r": reasons},
        )
    audit.record(
        "review.verdict",
        actor=actor,
        obj=item,
        before=before,
        after=audit.snapshot(item, ["verdict", "reasons"]),
    )
    return item


@transaction.atomic
def do_close_campaign(
    campaign_id: int, *, actor: User, conclusion: str, version: int | None = None
) -> ReviewCampaign:
    """The office leader signs the result (签批); every item must have its verdict first."""
    campaign = _lock_campaign(campaign_id, actor)
    perm.require(perm.is_office_leader_over(actor, campaign.office.path), _("评查结果须由扫黑办领导签批。"))
    check_version(campaign, version, ["status"])
    check_transition(CAMPAIGN_TRANSITIONS, campaign.status, CampaignStatus.CLOSED, labels=CampaignStatus)
    pending = campaign.items.filter(verdict=Verdict.PENDING).count()
    if pending:
        raise ActionError("items_pending", _("还有 %(n)s 条线索未提出评查意见，不能签批。") % {"n": pending})
    campaign.status, campaign.signed_by, campaign.signed_at = CampaignStatus.CLOSED, actor, clock.now()
    campaign.conclusion = _text(conclusion, _("请填写评查结论。"))
    campaign.version += 1
    campaign.save(update_fields=["status", "signed_by", "signed_at", "conclusion", "version"])
    audit.record(
        "review.campaign_close", actor=actor, obj=campaign, after={"conclusion": campaign.conclusion}
    )
    return campaign


def visible_clue_numbers(user: Any, clue_ids: list[int]) -> dict[int, str]:
    """Numbers of the clues the person may open (others are listed without a link)."""
    return dict(Clue.objects.visible_to(user).filter(pk__in=clue_ids).values_list("pk", "number"))
