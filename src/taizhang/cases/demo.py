"""Demo cases at every stage, linked to substantiated demo clues, with sector lead units set."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from taizhang.cases import actions, followup
from taizhang.cases.choices import CaseStage, CheckKind, Measure, OrgType, Screening
from taizhang.cases.models import Case
from taizhang.clues.models import Clue
from taizhang.core.actors import DEMO
from taizhang.core.demo_context import DemoContext
from taizhang.org.models import Sector

ACTOR = DEMO
PATH = [
    CaseStage.INVESTIGATION,
    CaseStage.ARREST,
    CaseStage.PROSECUTION,
    CaseStage.FIRST_INSTANCE,
    CaseStage.SECOND_INSTANCE,
    CaseStage.EFFECTIVE,
    CaseStage.EXECUTION,
]
LEADS = {
    "transport": "CITY-JT",
    "natural_resources": "CITY-ZR",
    "construction": "CITY-ZJ",
    "information_network": "CITY-WX",
}
# name, organisation type, sector code, office, stage reached (None = registered only), screening
CASES = [
    (
        "江某某等人组织、领导黑社会性质组织案",
        OrgType.MAFIA,
        "construction",
        "CITY-SHB",
        CaseStage.EXECUTION,
        Screening.CLUE_FOUND,
    ),
    ("周某某等人涉黑案", OrgType.MAFIA, "transport", "CITY-SHB", CaseStage.EFFECTIVE, Screening.NOT_FOUND),
    (
        "刘某等人恶势力犯罪集团案",
        OrgType.CRIMINAL_GROUP,
        "natural_resources",
        "CITY-SHB",
        CaseStage.SECOND_INSTANCE,
        Screening.NOT_FOUND,
    ),
    (
        "陈某某等人强迫交易恶势力团伙案",
        OrgType.GANG,
        "transport",
        "CITY-SHB",
        CaseStage.FIRST_INSTANCE,
        Screening.CHECKING,
    ),
    (
        "王某非法采砂恶势力犯罪集团案",
        OrgType.CRIMINAL_GROUP,
        "natural_resources",
        "CITY-SHB",
        CaseStage.PROSECUTION,
        Screening.UNSCREENED,
    ),
    ("赵某某村霸案", OrgType.VILLAGE_BULLY, "", "DH-SHB", CaseStage.ARREST, Screening.NOT_FOUND),
    (
        "孙某等人“套路贷”恶势力团伙案",
        OrgType.GANG,
        "information_network",
        "CITY-SHB",
        CaseStage.INVESTIGATION,
        Screening.UNSCREENED,
    ),
    (
        "李某某等人垄断渣土运输涉黑案",
        OrgType.MAFIA,
        "transport",
        "DH-SHB",
        CaseStage.EFFECTIVE,
        Screening.UNSCREENED,
    ),
    ("吴某寻衅滋事恶势力团伙案", OrgType.GANG, "", "XL-SHB", CaseStage.FIRST_INSTANCE, Screening.NOT_FOUND),
    (
        "郑某某等人网络敲诈恶势力犯罪集团案",
        OrgType.CRIMINAL_GROUP,
        "information_network",
        "CITY-SHB",
        CaseStage.ARREST,
        Screening.CHECKING,
    ),
    (
        "冯某某强揽工程案",
        OrgType.OTHER,
        "construction",
        "NT-SHB",
        CaseStage.INVESTIGATION,
        Screening.UNSCREENED,
    ),
    (
        "韩某等人非法占地村霸案",
        OrgType.VILLAGE_BULLY,
        "natural_resources",
        "NT-SHB",
        None,
        Screening.UNSCREENED,
    ),
    (
        "曹某某等人开设赌场恶势力团伙案",
        OrgType.GANG,
        "",
        "CITY-SHB",
        CaseStage.EXECUTION,
        Screening.NOT_FOUND,
    ),
    ("蒋某非法拘禁恶势力团伙案", OrgType.GANG, "", "DH-SHB", CaseStage.PROSECUTION, Screening.NOT_FOUND),
]


def _units(ctx: DemoContext, office: str) -> list:
    if office == "CITY-SHB":
        return [ctx.units[c] for c in ("CITY-GA", "CITY-JCY", "CITY-FY")]
    prefix = office.split("-")[0]
    return [ctx.units[f"{prefix}-GA"]]


ASSETS = [
    ("property", "江川市东湖区某小区住宅一套", "186万", "seal"),
    ("vehicle", "重型自卸货车三辆", "96万", "seize"),
    ("cash", "银行存款", "412.6万", "freeze"),
    ("equity", "某砂石公司股权 40%", "520万", "freeze"),
]


def _follow_up(ctx: DemoContext, case: Case, screening: str) -> None:
    """A case past its effective judgment: assets item by item, one disposal under way, the three checks."""
    police = ctx.units["CITY-GA"] if case.office.parent_id is None else _units(ctx, case.office.code)[0]
    effective = followup.effective_on(case) or ctx.today
    for kind, text, value, measure in ASSETS[: 2 + case.pk % 3]:
        followup.do_add_asset(
            case.pk,
            actor=ACTOR,
            kind=kind,
            description=text,
            value=value,
            measure=measure,
            custodian=police,
            measured_on=effective - dt.timedelta(days=120),
        )
    first = case.assets.order_by("id").first()
    if first is not None:
        followup.do_plan_disposal(
            case.pk, actor=ACTOR, item_id=first.pk, disposal="confiscate", responsible="王建国"
        )
        followup.do_record_disposal(
            case.pk,
            actor=ACTOR,
            item_id=first.pk,
            amount=first.value,
            disposed_on=ctx.today,
            note="已上缴国库",
        )
    if screening not in (Screening.NOT_FOUND, Screening.CLUE_FOUND):
        return
    followup.do_conclude_check(
        case.pk, actor=ACTOR, kind=CheckKind.CRIME, finding="判决已生效，首要分子均已判处。"
    )
    followup.do_conclude_check(
        case.pk, actor=ACTOR, kind=CheckKind.UMBRELLA, finding="逐案过筛已完成，线索已移送纪委监委。"
    )
    failed = screening == Screening.CLUE_FOUND
    if failed:
        followup.do_record_accountability(
            case.pk,
            actor=ACTOR,
            person_name="孙某某",
            post="所长",
            unit_name="某镇国土资源所",
            measure=Measure.PARTY,
            decided_on=ctx.today - dt.timedelta(days=10),
        )
    followup.do_conclude_check(
        case.pk,
        actor=ACTOR,
        kind=CheckKind.RESPONSIBILITY,
        finding="行业监管存在失职，已追责问责。" if failed else "未发现监管和基层组织失职失责。",
        failures_found=failed,
    )


def populate(ctx: DemoContext) -> None:
    for code, unit_code in LEADS.items():
        Sector.objects.filter(code=code).update(lead_unit=ctx.units[unit_code])
    sectors = {s.code: s for s in Sector.objects.all()}
    clues = list(
        Clue.objects.filter(is_umbrella=False, finding_result__in=["substantiated", "partly"]).order_by("id")
    )
    rng = ctx.rng
    for index, (name, org_type, sector, office, reached, screening) in enumerate(CASES):
        office_unit = ctx.units[office]
        linked = [c for c in clues if c.office_id == office_unit.pk][:1]
        if linked:
            clues.remove(linked[0])
        persons = rng.randint(4, 30)
        case = actions.do_register_case(
            actor=ACTOR,
            office=office_unit,
            name=name,
            org_type=org_type,
            sector=sectors.get(sector),
            handling_units=_units(ctx, office),
            clues=linked,
            brief="演示案件：" + name,
            persons_caught=persons,
            fugitives_caught=rng.randint(0, 3),
            fugitives_at_large=rng.randint(0, 2),
            assets_seized=Decimal(rng.randint(50, 5000) * 10000),
            assets_frozen=Decimal(rng.randint(0, 2000) * 10000),
            assets_confiscated=Decimal(rng.randint(0, 800) * 10000) if reached in PATH[5:] else Decimal(0),
        )
        if reached is not None:
            steps = PATH[: PATH.index(reached) + 1]
            if reached != CaseStage.SECOND_INSTANCE and index % 2 == 0:
                steps = [s for s in steps if s != CaseStage.SECOND_INSTANCE]
            day = ctx.today - dt.timedelta(days=25 * len(steps) + rng.randint(0, 40))
            for stage in steps:
                judged = (
                    day + dt.timedelta(days=20)
                    if stage in (CaseStage.FIRST_INSTANCE, CaseStage.SECOND_INSTANCE)
                    else None
                )
                if judged and judged > ctx.today:
                    judged = None
                actions.do_record_case_stage(
                    case.pk,
                    actor=ACTOR,
                    stage=stage,
                    occurred_on=day,
                    judged_on=judged,
                    persons=max(1, persons - rng.randint(0, 3)),
                )
                day += dt.timedelta(days=25)
        if screening == Screening.CLUE_FOUND:
            actions.do_screen_case(
                case.pk,
                actor=ctx.users["shb_leader"],
                result=screening,
                note="过筛发现某国土所干部收受好处、为其非法占地提供便利。",
            )
        elif screening != Screening.UNSCREENED:
            actions.do_screen_case(case.pk, actor=ctx.users["jw_handler"], result=screening, note="逐案过筛")
        if reached in (CaseStage.EFFECTIVE, CaseStage.EXECUTION):
            _follow_up(ctx, case, screening)
        if reached == CaseStage.EXECUTION and screening in (Screening.NOT_FOUND, Screening.CLUE_FOUND):
            actions.do_conclude_case(case.pk, actor=ACTOR, note="判决已执行")
    ctx.extra["cases"] = list(Case.objects.order_by("id"))
    ctx.say(f"cases: {Case.objects.count()}")
