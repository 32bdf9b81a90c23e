"""Demo reviews and call-backs: a look-back review of last quarter's 查否/无法核实 clues (half sampled by unit,
cross-reviewed, one corrected and reopened, awaiting the leader's signature), last month's call-backs with their
outcomes (one 不满意), and an SMS that failed because no gateway is configured (visible, retried by the worker)."""

from __future__ import annotations

import datetime as dt

from taizhang.clues.models import Clue
from taizhang.core import clock
from taizhang.core.actors import DEMO
from taizhang.core.demo_context import DemoContext
from taizhang.core.errors import ActionError
from taizhang.reviews import actions, callbacks, notify
from taizhang.reviews.choices import CallbackOutcome, MessageChannel, Sampling, Verdict
from taizhang.reviews.models import CallbackTask

REVIEWERS = ["CITY-GA", "CITY-ZR", "CITY-CG", "CITY-JT"]
OUTCOMES = [
    (CallbackOutcome.SATISFIED, "举报人对核查结果表示认可。"),
    (CallbackOutcome.DISSATISFIED, "认为核查只听取了被举报人一方说法，未到现场走访。"),
    (CallbackOutcome.MOSTLY, "基本认可，希望加强后续巡查。"),
    (CallbackOutcome.SATISFIED, "对办理效率表示满意。"),
    (CallbackOutcome.UNREACHABLE, "三次拨打均无人接听。"),
]


def _review(ctx: DemoContext) -> None:
    staff, office = ctx.users["shb_staff"], ctx.units["CITY-SHB"]
    try:
        with clock.at(ctx.days_ago(6)):
            campaign = actions.do_create_campaign(
                actor=staff,
                title="查否、无法核实线索“回头看”评查",
                office=office,
                period_start=ctx.today - dt.timedelta(days=120),
                period_end=ctx.today - dt.timedelta(days=7),
                sampling_kind=Sampling.SHARE,
                share=50,
                seed=20261122,
            )
    except ActionError:
        return  # the demo ledger has no concluded 查否 clues in the period
    reviewers = [ctx.units[c] for c in REVIEWERS if c in ctx.units]
    for item in campaign.items.select_related("clue"):
        for unit in reviewers:
            try:
                with clock.at(ctx.days_ago(5)):
                    actions.do_assign_reviewer(
                        campaign.pk, actor=staff, item_ids=[item.pk], reviewer_unit=unit
                    )
                break
            except ActionError:
                continue
    return None


def _callbacks(ctx: DemoContext) -> None:
    office = ctx.units["CITY-SHB"]
    month = callbacks.previous_month(callbacks.month_start(ctx.today))
    callbacks.draw_for_office(office, month, seed=202611, share=30, minimum=5)
    custodian = ctx.users.get("custodian")
    for task, (outcome, notes) in zip(
        CallbackTask.objects.filter(office=office, month=month).order_by("pk"), OUTCOMES, strict=False
    ):
        with clock.at(ctx.days_ago(3)):
            callbacks.do_record_callback(task.pk, actor=custodian or DEMO, outcome=outcome, notes=notes)
    # The first drawn clue the office's staff may see (on some days the draw's first is a 保护伞 clue, which
    # only the leaders see: sending as staff was refused and the demo build failed).
    staff = ctx.users["shb_staff"]
    task = (
        CallbackTask.objects.filter(office=office, month=month, clue__in=Clue.objects.visible_to(staff))
        .order_by("pk")
        .first()
    )
    if task is not None:
        notify.do_send_to_reporter(
            task.clue_id,
            actor=staff,
            channel=MessageChannel.SMS,
            body="您反映的问题已办结，如有意见请来电。",
        )


def populate(ctx: DemoContext) -> None:
    if "CITY-SHB" not in ctx.units or "shb_staff" not in ctx.users:
        return
    _callbacks(ctx)
    _review(ctx)
    verdicts = 0
    from taizhang.org.models import User
    from taizhang.reviews.models import ReviewItem

    for item in ReviewItem.objects.filter(reviewer_unit__isnull=False, verdict=Verdict.PENDING).order_by(
        "pk"
    )[:4]:
        person = User.objects.filter(unit_id=item.reviewer_unit_id, is_active=True).first()
        if person is None:
            continue
        verdict = Verdict.CORRECTED if verdicts == 0 else Verdict.UPHELD
        reasons = (
            "核查未走访举报人所指工地，结论依据不足，应重新核查。"
            if verdict == Verdict.CORRECTED
            else "核查程序完整，证据充分，结论成立。"
        )
        try:
            with clock.at(ctx.days_ago(2)):
                actions.do_record_verdict(item.pk, actor=person, verdict=verdict, reasons=reasons)
            verdicts += 1
        except ActionError:
            continue
    ctx.say(
        f"reviews: {ReviewItem.objects.count()} clues under review ({verdicts} reviewed), {CallbackTask.objects.count()} call-backs"
    )
