"""Demo publicity: two typical cases (one approved), a year of activities, two quarterly surveys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from taizhang.cases.models import Case
from taizhang.core.actors import DEMO
from taizhang.core.demo_context import DemoContext
from taizhang.org.choices import UnitKind
from taizhang.org.models import Unit
from taizhang.publicity import actions
from taizhang.publicity.models import PublicityActivity

ACTOR = DEMO
ACTIVITIES = [
    ("meeting", "扫黑除恶专项斗争政策宣讲进社区", 1),
    ("banner", "悬挂扫黑除恶宣传横幅", 12),
    ("media", "江川日报专题报道", 1),
    ("new_media", "“江川发布”推送典型案例", 2),
]
QUESTIONS: list[dict[str, Any]] = [
    {"text": "您对所在地区的社会治安状况是否满意", "kind": "likert"},
    {"text": "您对本地扫黑除恶工作成效是否满意", "kind": "likert"},
    {"text": "您是否了解扫黑除恶线索举报渠道", "kind": "choice", "options": ["了解", "听说过", "不了解"]},
]


def populate(ctx: DemoContext) -> None:
    city = ctx.units["CITY-SHB"]
    cases = list(Case.objects.filter(office=city, stage__in=["effective", "execution"]).order_by("id")[:2])
    for index, case in enumerate(cases):
        typical = actions.do_draft_typical(actor=ACTOR, case_id=case.pk, title=case.name, listed=index == 0)
        if index == 0:
            actions.do_approve_typical(typical.pk, actor=ctx.users["shb_leader"])
    units = [ctx.units[c] for c in ("CITY-JT", "CITY-ZR", "CITY-GA", "CITY-SHB") if c in ctx.units]
    for month in range(1, ctx.today.month + 1):
        for offset, unit in enumerate(units):
            kind, title, count = ACTIVITIES[(month + offset) % len(ACTIVITIES)]
            day = dt.date(ctx.today.year, month, min(5 + offset * 6, 28))
            if day <= ctx.today:
                actions.do_record_activity(
                    actor=ACTOR, unit=unit, kind=kind, held_on=day, count=count, title=title
                )
    districts = list(Unit.objects.filter(parent=city, kind=UnitKind.OFFICE).order_by("path"))
    rng = ctx.rng
    previous_share = {d.pk: 0.82 + rng.random() * 0.08 for d in districts}
    for quarter, (start, end) in enumerate(_quarters(ctx.today)):
        survey = actions.do_create_survey(
            actor=ACTOR,
            office=city,
            title=f"{start.year}年第{(start.month - 1) // 3 + 1}季度群众安全感满意度调查",
            period_start=start,
            period_end=end,
            districts=districts,
            questions=QUESTIONS,
        )
        actions.do_set_survey_status(survey.pk, actor=ACTOR, status="open")
        questions = list(survey.questions.all())
        for district in districts:
            share = previous_share[district.pk] + (0.03 * quarter)
            rows = []
            for _n in range(60 + rng.randint(0, 60)):
                likert = [
                    5 if rng.random() < share * 0.6 else 4 if rng.random() < share else rng.randint(1, 3)
                    for _q in questions[:2]
                ]
                rows.append(
                    {
                        **dict(zip([q.pk for q in questions[:2]], likert, strict=True)),
                        questions[2].pk: rng.randint(0, 2),
                    }
                )
            actions.do_enter_answers(
                survey.pk, actor=ACTOR, district_id=district.pk, channel="paper", rows=rows
            )
        if end < ctx.today:
            actions.do_set_survey_status(survey.pk, actor=ACTOR, status="closed")
    ctx.say(
        f"publicity: {len(cases)} typical cases, {PublicityActivity.objects.count()} activities, 2 surveys"
    )


def _quarters(today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The previous quarter and the current one."""
    start = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    prev_start = (
        dt.date(start.year - 1, 10, 1) if start.month == 1 else dt.date(start.year, start.month - 3, 1)
    )
    return [(prev_start, start - dt.timedelta(days=1)), (start, _quarter_end(start))]


def _quarter_end(start: dt.date) -> dt.date:
    month = start.month + 3
    return (dt.date(start.year + 1, 1, 1) if month > 12 else dt.date(start.year, month, 1)) - dt.timedelta(
        days=1
    )
