"""Demo clues: a few hundred over every channel, state and unit, built through the real actions.

Each clue's steps are replayed at moments spread over the weeks or months since it was received
(`taizhang.core.clock.at`), so timelines, deadlines and the audit log read like a lived-in ledger: clues still
open were received recently and some of them are overdue (their deadlines were computed from those moments by
the actions), concluded ones go back most of a year. Some are 保护伞 clues handled by the discipline commission,
some name a member unit (which is then recused), some were transferred to the police and answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from taizhang.clues import actions
from taizhang.clues.actions import ReporterData, SubjectData
from taizhang.clues.choices import (
    Category,
    Channel,
    ClueStatus,
    FindingResult,
    Priority,
    ReporterKind,
    ReportStage,
    TransferAnswer,
    TransferKind,
)
from taizhang.clues.models import Clue
from taizhang.clues.samples import PATTERNS, clue_text, person_name
from taizhang.core import clock
from taizhang.core.demo_context import DemoContext
from taizhang.core.errors import ActionError
from taizhang.org.models import Sector

COUNT = 200
# Target states and how often they occur: an office in the middle of its year, where most clues are concluded
# and a working stock is in hand (about a quarter of the clues), a few of them late.
TARGETS = [
    ("registered", 2),
    ("referred", 3),
    ("triaged", 2),
    ("assigned", 3),
    ("verifying", 6),
    ("returned", 1),
    ("awaiting_signoff", 2),
    ("under_review", 2),
    ("accepted", 2),
    ("transferred", 4),
    ("concluded", 72),
    ("merged", 4),
]
ORDER = [
    "registered",
    "triaged",
    "assigned",
    "verifying",
    "awaiting_signoff",
    "under_review",
    "accepted",
    "transferred",
    "concluded",
]
# Units that have people in the demo: (unit code, handler, leader); clues that must go further than
# "assigned" are given to one of these.
WORKING_UNITS = [
    ("CITY-JT", "jt_handler", "jt_leader"),
    ("CITY-ZR", "zr_liaison", "zr_leader"),
    ("CITY-CG", "cg_liaison", "cg_leader"),
    ("CITY-GA", "ga_liaison", "ga_leader"),
    ("DH-GA", "dh_ga_liaison", "dh_ga_leader"),
]
QUIET_UNITS = ["CITY-ZJ", "CITY-SJ", "CITY-ST", "CITY-SW", "CITY-WL", "CITY-NY", "DH-CG", "XL-ZJ", "NT-CG"]
SECTOR_UNITS = {"交通运输": "CITY-JT", "自然资源": "CITY-ZR", "市容管理": "CITY-CG", "渣土运输": "CITY-CG"}
# Days from receipt to a clue's last step, on average, for clues left open in that state; a clue still open is
# received that long ago plus some idle days (a few for the short limits, up to weeks while verifying, whose
# limit is 30 days), so some are within their limit and some overdue. Finished clues go back most of a year.
OPEN_PATH_DAYS = {
    "registered": 0.2,
    "triaged": 2.4,
    "assigned": 4.7,
    "verifying": 10,
    "awaiting_signoff": 31,
    "under_review": 33,
    "returned": 35,
    "accepted": 35,
    "transferred": 39,
}
OFFICE_TZ = dt.timezone(dt.timedelta(hours=8))
# Days a clue has waited in its state since its last step: mostly within the step's limit, a few beyond it.
IDLE_DAYS = {"verifying": (1, 14), "transferred": (1, 10)}
DEFAULT_IDLE = (0.05, 1.5)
OPEN_PATH_SHARE = 0.4
# Concluded clues: this share was received in the last two months (the office keeps pace with its intake),
# the rest over the year before.
RECENT_CONCLUDED = 0.8


class Pace:
    """The moments of one clue's steps: each some days after the previous one, never reaching now."""

    def __init__(self, ctx: DemoContext, start: dt.datetime) -> None:
        self.rng = ctx.rng
        self.moment = start
        self.limit = ctx.now - dt.timedelta(minutes=30)

    @contextmanager
    def after(self, low: float, high: float) -> Iterator[dt.datetime]:
        """Run the block `low`..`high` days after the previous step (sooner when now is close)."""
        gap = dt.timedelta(days=self.rng.uniform(low, high))
        # Leave room for the steps still to come: never more than half of the time that is left.
        moment = self.moment + min(gap, (self.limit - self.moment) / 2)
        # People work office hours (UTC+8): keep the day, pick a time between 09:00 and 17:59 when that
        # still falls between the previous step and now.
        local = moment.astimezone(OFFICE_TZ)
        if not 9 <= local.hour < 18:
            working = local.replace(hour=self.rng.randint(9, 17), minute=self.rng.randint(0, 59))
            if self.moment < working < self.limit:
                moment = working
        self.moment = moment
        with clock.at(self.moment):
            yield self.moment


class DemoWalker:
    """Walks one demo clue to its target state with the demo accounts."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.u = ctx.units
        self.p = ctx.users
        self.sectors = {s.name: s for s in Sector.objects.all()}
        self.clues: list[Clue] = []
        self.last_step: dict[int, dt.datetime] = {}
        self.pace = Pace(ctx, ctx.now)

    def received_at(self, target: str) -> dt.datetime:
        rng = self.ctx.rng
        if target in OPEN_PATH_DAYS:
            low, high = IDLE_DAYS.get(target, DEFAULT_IDLE)
            # Received a little later than the average path, so the steps (paced to fit before now) mostly
            # end within the current step's limit.
            days = OPEN_PATH_DAYS[target] * OPEN_PATH_SHARE + rng.uniform(low, high)
        elif rng.random() < RECENT_CONCLUDED:
            days = rng.uniform(10, 60)
        else:
            days = rng.uniform(60, 330)
        day = self.ctx.now - dt.timedelta(days=days)
        # Office hours in Jiangchuan (UTC+8) on that day, and never within the last two hours.
        moment = day.astimezone(dt.UTC).replace(hour=rng.randint(0, 8), minute=rng.randint(0, 59))
        return min(moment, self.ctx.now - dt.timedelta(hours=2))

    def shortly_after(self, *clues: Clue) -> Any:
        """The clock for a step taken on `clues` after their own histories (same pacing as a step)."""
        pace = Pace(self.ctx, max(self.last_step[c.pk] for c in clues))
        return pace.after(0.1, 2)

    def target(self) -> str:
        names = [t for t, _w in TARGETS]
        weights = [w for _t, w in TARGETS]
        return self.ctx.rng.choices(names, weights)[0]

    def run(self, i: int) -> None:
        rng = self.ctx.rng
        umbrella = i % 11 == 0
        pattern = PATTERNS[8] if umbrella else rng.choice([p for p in PATTERNS if p.category != "umbrella"])
        text = clue_text(rng, pattern)
        office_code = "CITY-SHB" if i % 4 else rng.choice(["DH-SHB", "XL-SHB", "NT-SHB"])
        staff = self.p["dh_staff"] if office_code == "DH-SHB" else self.p["shb_staff"]
        leader = self.p["dh_leader"] if office_code == "DH-SHB" else self.p["shb_leader"]
        subjects = [
            SubjectData(name=text.subject, position=rng.choice(["", "无业", "个体户", "公司实际控制人"]))
        ]
        if rng.random() < 0.3:
            subjects.append(SubjectData(name=person_name(rng)[0] + "某", position="同伙"))
        recuse = None
        if umbrella:
            subjects.append(
                SubjectData(
                    name=text.official,
                    position=text.official_post,
                    unit_name=text.official_unit,
                    is_official=True,
                )
            )
        elif i % 13 == 5:
            # Names a member unit's staff (not an official): the unit is recused and never sees the clue.
            recuse = rng.choice(["CITY-CG", "CITY-ZR", "CITY-JT"])
            subjects.append(
                SubjectData(
                    name=person_name(rng)[0] + "某", position="协管员", unit_name=self.u[recuse].short_name
                )
            )
        channel = list(Channel.values)[i % len(Channel.values)]
        target = self.target()
        if umbrella and target in ("referred", "merged"):
            target = "verifying"
        received = self.received_at(target)
        self.pace = Pace(self.ctx, received)
        real_name = rng.random() < 0.35
        with self.pace.after(0.01, 0.3):
            clue = actions.do_register_clue(
                actor=staff,
                office=self.u[office_code],
                channel=channel,
                received_at=received,
                summary=text.summary,
                facts=text.facts,
                subjects=subjects,
                sector=self.sectors.get(pattern.sector),
                place=text.place,
                alleges_umbrella=umbrella,
                source_ref=f"江扫黑函〔{received.year}〕{i + 1}号"
                if channel in ("superior", "agency")
                else "",
                reporter=ReporterData(
                    kind=ReporterKind.REAL_NAME if real_name else ReporterKind.ANONYMOUS,
                    identity={"name": person_name(rng), "phone": f"139{rng.randint(10000000, 99999999)}"}
                    if real_name
                    else {},
                    wants_feedback=real_name,
                ),
            )
        self.clues.append(clue)
        self.last_step[clue.pk] = self.pace.moment
        self._handle(clue, text, target, umbrella, recuse, office_code, staff, leader)
        self.last_step[clue.pk] = self.pace.moment

    def _handle(
        self,
        clue: Clue,
        text: Any,
        target: str,
        umbrella: bool,
        recuse: str | None,
        office_code: str,
        staff: Any,
        leader: Any,
    ) -> None:
        rng = self.ctx.rng
        if target == "merged" and len(self.clues) > 5:
            into = rng.choice(self.clues[:-1])
            if into.office_id == clue.office_id and into.status != ClueStatus.MERGED:
                # After both histories: the merge is stamped on the clue it goes into as well.
                self.pace.moment = max(self.pace.moment, self.last_step[into.pk])
                try:
                    with self.pace.after(1, 10):
                        actions.do_merge_clue(clue.pk, into.pk, actor=staff, note="反映同一问题，串并办理")
                    return
                except ActionError:
                    pass
            target = "registered"
        if target == "registered":
            return
        if target == "referred":
            with self.pace.after(0.5, 4):
                actions.do_triage_clue(
                    clue.pk,
                    actor=staff,
                    in_scope=False,
                    referred_to=rng.choice(["市信访局", "市场监管部门", "所在街道办事处"]),
                    note="反映的是一般民事纠纷，不属于涉黑涉恶问题",
                )
            return
        category = Category.UMBRELLA if umbrella else text.pattern.category
        with self.pace.after(0.5, 4):
            actions.do_triage_clue(
                clue.pk,
                actor=leader if umbrella else staff,
                in_scope=True,
                category=category,
                priority=rng.choice([Priority.NORMAL, Priority.NORMAL, Priority.HIGH, Priority.URGENT]),
            )
        if target == "triaged":
            return
        self._assign_and_handle(
            clue, text, target, leader if umbrella else staff, umbrella, recuse, office_code
        )

    def _unit_for(self, text: Any, umbrella: bool, recuse: str | None, office_code: str, deep: bool) -> tuple:
        if umbrella:
            return "CITY-JW", "jw_handler", "jw_leader"
        if office_code == "DH-SHB" and deep:
            return "DH-GA", "dh_ga_liaison", "dh_ga_leader"
        choices = [u for u in WORKING_UNITS if u[0] != recuse and u[0] != "DH-GA"]
        preferred = SECTOR_UNITS.get(text.pattern.sector)
        if preferred and preferred != recuse and self.ctx.rng.random() < 0.6:
            return next(u for u in WORKING_UNITS if u[0] == preferred)
        if not deep and self.ctx.rng.random() < 0.5:
            return self.ctx.rng.choice(QUIET_UNITS), None, None
        return self.ctx.rng.choice(choices)

    def _assign_and_handle(
        self,
        clue: Clue,
        text: Any,
        target: str,
        manager: Any,
        umbrella: bool,
        recuse: str | None,
        office: str,
    ) -> None:
        rng = self.ctx.rng
        deep = ORDER.index(target if target in ORDER else "verifying") > ORDER.index("assigned")
        unit_code, handler_key, leader_key = self._unit_for(text, umbrella, recuse, office, deep)
        unit = self.u[unit_code]
        handler = self.p[handler_key] if handler_key else None
        with self.pace.after(0.5, 4):
            actions.do_assign_clue(
                clue.pk, actor=manager, unit=unit, person=handler, instructions="请认真核查，按期回告。"
            )
        if target == "assigned" or handler is None:
            return
        with self.pace.after(1, 3):
            actions.do_file_stage_report(
                clue.pk,
                actor=handler,
                stage=ReportStage.FIRST,
                body=f"已成立核查专班，由{handler}牵头，拟通过走访群众、调取监控和书证等方式开展核查。",
            )
        if rng.random() < 0.5:
            with self.pace.after(8, 20):
                actions.do_file_stage_report(
                    clue.pk,
                    actor=handler,
                    stage=ReportStage.PROGRESS,
                    body="已走访相关群众十余人，调取部分书证，核查工作正在推进。",
                )
        if target == "verifying":
            return
        result = rng.choices(
            [
                FindingResult.SUBSTANTIATED,
                FindingResult.PARTLY,
                FindingResult.UNFOUNDED,
                FindingResult.UNVERIFIABLE,
            ],
            [4, 3, 3, 1],
        )[0]
        if target in ("accepted", "transferred") or (umbrella and target == "concluded"):
            result = rng.choice([FindingResult.SUBSTANTIATED, FindingResult.PARTLY])
        with self.pace.after(10, 25):
            actions.do_record_finding(clue.pk, actor=handler, result=result, basis=text.finding)
        if target == "awaiting_signoff":
            return
        with self.pace.after(0.5, 3):
            actions.do_sign_finding(clue.pk, actor=self.p[leader_key])
        if target == "under_review":
            return
        if target == "returned":
            with self.pace.after(1, 3):
                actions.do_review_finding(
                    clue.pk, actor=manager, accept=False, note="核查不够深入，请补充调取资金流水后重新报送。"
                )
            return
        with self.pace.after(1, 3):
            actions.do_review_finding(clue.pk, actor=manager, accept=True, note="同意核查结论。")
        holds = result in (FindingResult.SUBSTANTIATED, FindingResult.PARTLY)
        if target == "accepted" or (target == "transferred" and not holds):
            return
        if holds and (target == "transferred" or rng.random() < 0.6):
            self._transfer(
                clue, manager, umbrella, office, answer=target == "concluded" or rng.random() < 0.5
            )
            if target == "transferred":
                return
        with self.pace.after(2, 10):
            actions.do_conclude_clue(clue.pk, actor=manager, note="核查结论已审核，予以办结销账。")
        if rng.random() < 0.03:
            with self.pace.after(10, 30):
                actions.do_reopen_clue(
                    clue.pk, actor=manager, reason="群众重复举报，反映有新情况，重新启动核查。"
                )

    def _transfer(self, clue: Clue, manager: Any, umbrella: bool, office: str, *, answer: bool) -> None:
        rng = self.ctx.rng
        if umbrella:
            kind, receiver, answerer = TransferKind.DISCIPLINE, "CITY-JW", "jw_handler"
        elif office == "DH-SHB":
            kind, receiver, answerer = TransferKind.POLICE, "DH-GA", "dh_ga_liaison"
        else:
            kind, receiver, answerer = TransferKind.POLICE, "CITY-GA", "ga_liaison"
        with self.pace.after(1, 5):
            transfer = actions.do_transfer_clue(
                clue.pk,
                actor=manager,
                kind=kind,
                receiver_unit=self.u[receiver],
                letter_number=f"江扫黑移〔{self.ctx.now.year}〕{clue.pk}号",
                evidence_list="核查报告\n询问笔录12份\n现场照片及监控截图\n资金流水复印件",
                note="请依法处理并反馈。",
            )
        if not answer:
            return
        choice = rng.choices(
            [TransferAnswer.FILED, TransferAnswer.MERGED, TransferAnswer.DECLINED], [6, 2, 1]
        )[0]
        with self.pace.after(1, 5):
            actions.do_answer_transfer(
                transfer.pk,
                actor=self.p[answerer],
                answer=choice,
                note="经审查，不符合立案条件。" if choice == TransferAnswer.DECLINED else "",
                case_reference=f"江公刑立字〔{self.ctx.now.year}〕{rng.randint(100, 999)}号"
                if choice == TransferAnswer.FILED
                else "",
            )
        if choice == TransferAnswer.FILED and rng.random() < 0.6:
            with self.pace.after(10, 40):
                actions.do_record_transfer_outcome(
                    transfer.pk,
                    actor=self.p[answerer],
                    body=rng.choice(
                        [
                            "已对3名犯罪嫌疑人采取刑事拘留措施。",
                            "已提请检察院批准逮捕2人。",
                            "案件已移送审查起诉。",
                        ]
                    ),
                )


def populate(ctx: DemoContext) -> None:
    walker = DemoWalker(ctx)
    for i in range(COUNT):
        walker.run(i)
    for a, b in zip(walker.clues[10:20], walker.clues[30:40], strict=False):
        if a.office_id == b.office_id:
            with walker.shortly_after(a, b):
                actions.do_link_clues(
                    a.pk, b.pk, actor=ctx.users["shb_leader"], note="涉及同一片区，关联研判"
                )
    for clue in walker.clues[:25]:
        with walker.shortly_after(clue):
            actions.do_add_attachment(
                clue.pk,
                actor=ctx.users["shb_leader"],
                name="举报材料.txt",
                content_type="text/plain",
                chunks=[f"{clue.number} 举报材料（演示）\n{clue.facts}\n".encode()],
            )
    ctx.say(f"clues: {Clue.objects.count()}")
