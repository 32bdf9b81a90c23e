"""Demo drives: a concentrated drive in city management that is over (returns filed, a zero report, a clue
registered, a problem on a rectification list, one unit late) and a weekly rolling drive in its third round."""

from __future__ import annotations

import datetime as dt

from taizhang.core import clock
from taizhang.core.demo_context import DemoContext
from taizhang.drives import actions
from taizhang.drives.actions import FindingData
from taizhang.drives.choices import DriveKind, FindingKind
from taizhang.drives.models import DriveFinding, DriveReturn
from taizhang.org.models import Sector

SECTORS = [
    ("drv-wjjs", "违法建设"),
    ("drv-srgl", "市容管理"),
    ("drv-hwgg", "户外广告"),
    ("drv-ztys", "渣土运输"),
]
UNITS = ["CITY-CG", "CITY-ZJ", "CITY-ZR", "CITY-JT"]
LIAISONS = {"CITY-CG": "cg_liaison", "CITY-ZR": "zr_liaison", "CITY-JT": "jt_liaison"}
LEADERS = {"CITY-CG": "许文斌", "CITY-ZR": "吴刚", "CITY-JT": "刘振华"}


def _sectors(ctx: DemoContext) -> dict[str, Sector]:
    found = {}
    for index, (code, name) in enumerate(SECTORS):
        sector = Sector.objects.filter(name=name).first()
        if sector is None:
            sector = Sector.objects.create(
                code=code, name=name, sort_order=100 + index, lead_unit=ctx.units["CITY-CG"]
            )
        found[name] = sector
    return found


def _file(
    ctx: DemoContext, ret: DriveReturn, when: dt.datetime, findings: list[FindingData], zero: str = ""
) -> None:
    person = ctx.users[LIAISONS[ret.unit.code]]
    with clock.at(when):
        actions.do_file_return(
            ret.pk,
            actor=person,
            items_checked=ctx.rng.randint(12, 80),
            findings=findings,
            is_zero=bool(zero),
            leader_name=zero,
            note="对辖区工地、渣土消纳场、户外广告设置点逐一走访排查。",
        )


def populate(ctx: DemoContext) -> None:
    if "CITY-CG" not in ctx.units or "shb_staff" not in ctx.users:
        return
    sectors = _sectors(ctx)
    staff = ctx.users["shb_staff"]
    units = [ctx.units[c] for c in UNITS if c in ctx.units]
    with clock.at(ctx.days_ago(40)):
        drive = actions.do_create_drive(
            actor=staff,
            title="城市管理领域涉黑涉恶问题线索集中排查",
            kind=DriveKind.CONCENTRATED,
            office=ctx.units["CITY-SHB"],
            lead_unit=ctx.units["CITY-CG"],
            sectors=list(sectors.values()),
            units=units,
            starts_on=ctx.today - dt.timedelta(days=40),
            ends_on=ctx.today - dt.timedelta(days=10),
            requirements="各单位对本行业领域开展拉网式排查，报送排查对象数、发现的问题和涉黑涉恶线索；未发现的报零报告并由单位负责人签字。",
            return_days=14,
        )
    returns = {r.unit.code: r for r in DriveReturn.objects.filter(drive=drive).select_related("unit")}
    _file(
        ctx,
        returns["CITY-CG"],
        ctx.days_ago(30),
        [
            FindingData(
                FindingKind.CLUE,
                sectors["渣土运输"].pk,
                "某渣土车队以暴力手段垄断城东消纳场运输",
                subject_names="钱某、孙某某",
                place="城东消纳场",
            ),
            FindingData(
                FindingKind.PROBLEM, sectors["户外广告"].pk, "户外广告设置审批与巡查脱节，违规大牌长期未拆"
            ),
        ],
    )
    _file(ctx, returns["CITY-ZR"], ctx.days_ago(28), [], zero="吴刚")
    _file(
        ctx,
        returns["CITY-JT"],
        ctx.days_ago(22),  # after the deadline: filed late
        [FindingData(FindingKind.PROBLEM, sectors["渣土运输"].pk, "部分渣土车辆无准运证夜间运输")],
    )
    clue, problem, _late = DriveFinding.objects.filter(drive=drive).order_by("pk")[:3]
    with clock.at(ctx.days_ago(27)):
        actions.do_register_finding(clue.pk, actor=staff)
        actions.do_rectify_finding(
            problem.pk,
            actor=staff,
            measure="开展户外广告专项清理，建立审批巡查联动台账",
            deadline=ctx.today + dt.timedelta(days=30),
        )
    with clock.at(ctx.days_ago(12)):
        actions.do_close_round(drive.rounds.get().pk, actor=staff)
    with clock.at(ctx.days_ago(15)):
        rolling = actions.do_create_drive(
            actor=staff,
            title="渣土运输和违法建设领域滚动排查",
            kind=DriveKind.ROLLING,
            office=ctx.units["CITY-SHB"],
            lead_unit=ctx.units["CITY-ZJ"],
            sectors=[sectors["渣土运输"], sectors["违法建设"]],
            units=units,
            starts_on=ctx.today - dt.timedelta(days=15),
            ends_on=ctx.today + dt.timedelta(days=75),
            requirements="每周滚动排查一次，报送新发现的问题和线索。",
            interval_days=7,
            return_days=6,
        )
    for days in (8, 1):
        with clock.at(ctx.days_ago(days)):
            actions.open_next_round(rolling.pk, actor=staff)
    for rnd in rolling.rounds.order_by("seq")[:2]:
        for ret in rnd.returns.select_related("unit"):
            if ret.unit.code in LIAISONS and ctx.rng.random() < 0.8:
                _file(
                    ctx,
                    ret,
                    min(
                        ctx.now,
                        dt.datetime.combine(rnd.opens_on, dt.time(16), ctx.now.tzinfo) + dt.timedelta(days=3),
                    ),
                    [],
                    zero=ret.unit.label,
                )
    ctx.say(
        f"drives: 2 drives, {DriveReturn.objects.count()} returns, 1 clue registered, 1 problem rectifying"
    )
