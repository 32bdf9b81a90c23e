"""Demo letters at every step and one inspection-team problem list with a few dozen measures in mixed states."""

from __future__ import annotations

import datetime as dt

from taizhang.cases.models import Case
from taizhang.core.actors import DEMO
from taizhang.core.demo_context import DemoContext
from taizhang.org.models import Sector
from taizhang.rectification import actions
from taizhang.rectification.actions import MeasureData
from taizhang.rectification.choices import ListSource, MeasureStatus
from taizhang.rectification.models import LetterType, Measure, ProblemList

ACTOR = DEMO
# type, issuer, recipient, days ago, step (issued / overdue / rectifying / rectified), problems
LETTERS = [
    ("judicial", "CITY-FY", "CITY-JT", 20, "issued", "客运站周边非法营运车辆长期聚集，执法检查流于形式。"),
    (
        "procuratorial",
        "CITY-JCY",
        "CITY-ZR",
        95,
        "overdue",
        "非法采砂点多次被举报，未依法立案查处，存在监管漏洞。",
    ),
    ("supervisory", "CITY-JW", "CITY-ZJ", 70, "rectifying", "招投标环节对围标串标线索移送不及时。"),
    ("police_notice", "CITY-GA", "CITY-WX", 60, "rectifying", "网络借贷平台催收信息未及时处置。"),
    ("judicial", "CITY-FY", "CITY-ZR", 150, "rectified", "土地执法卷宗管理不规范，违法占地处置不到位。"),
    ("procuratorial", "CITY-JCY", "CITY-JT", 120, "rectified", "渣土运输车辆准运证审批把关不严。"),
    ("risk_notice", "CITY-GA", "CITY-CG", 75, "overdue", "城中村违建工程存在强揽工程苗头。"),
    ("police_notice", "DH-GA", "DH-ZJ", 10, "issued", "辖区工地存在阻工闹事、强揽土方问题。"),
]
PROBLEMS = [
    ("行业乱象线索排查不深入，存在“大而化之”现象", ["CITY-JT", "CITY-ZR"]),
    ("对涉黑涉恶案件暴露出的监管漏洞整改不彻底", ["CITY-ZJ"]),
    ("“三书一函”回复质量不高，整改措施针对性不强", ["CITY-JT"]),
    ("线索核查反馈不及时，部分线索超期未办结", ["CITY-CG", "CITY-SJ"]),
    ("重点行业领域长效机制建设滞后", ["CITY-ZR", "CITY-WX"]),
    ("宣传发动不充分，群众知晓率不高", ["CITY-WL"]),
    ("基层组织建设薄弱，村（社区）“两委”资格联审不严", ["CITY-MZ", "CITY-NY"]),
    ("涉案财产处置工作推进缓慢", ["CITY-JR"]),
    ("信访渠道线索移交机制不健全", ["CITY-XF"]),
]
MEASURES = [
    "制定专项整治方案，明确责任分工",
    "开展集中排查，建立问题台账",
    "完善制度规定，建立长效机制",
    "组织专题培训，提升履职能力",
]


def _letters(ctx: DemoContext) -> None:
    types = {t.code: t for t in LetterType.objects.all()}
    cases = list(Case.objects.order_by("id"))
    for index, (code, issuer, recipient, days, step, problems) in enumerate(LETTERS):
        issued_on = ctx.today - dt.timedelta(days=days)
        letter = actions.do_issue_letter(
            actor=ACTOR,
            letter_type=types[code],
            number=f"江{types[code].name[:2]}〔{issued_on.year}〕{index + 1}号",
            issuer=ctx.units[issuer],
            recipient=ctx.units[recipient],
            issued_on=issued_on,
            problems=problems,
            case=cases[index % len(cases)] if cases and code != "risk_notice" else None,
        )
        if step in ("issued", "overdue"):
            continue
        rows = [
            MeasureData(problem=problems, description=m, deadline=issued_on + dt.timedelta(days=90 + i * 15))
            for i, m in enumerate(MEASURES[:3])
        ]
        actions.do_reply_letter(
            letter.pk, actor=ACTOR, reply="已收悉，已制定整改方案，逐项落实。", measures=rows
        )
        if step == "rectified":
            for measure in Measure.objects.filter(problem__problem_list__letter=letter):
                _complete(measure.pk)
                actions.do_review_measure(measure.pk, actor=ACTOR, approve=True, note="整改到位，同意销号")


def _complete(measure_id: int) -> None:
    evidence = [("整改佐证材料.txt", [f"措施{measure_id}整改佐证（演示）\n".encode()])]
    actions.do_report_measure_progress(
        measure_id, actor=ACTOR, body="已完成整改，附佐证材料。", evidence=evidence, request_completion=True
    )


def _inspection_list(ctx: DemoContext) -> None:
    rows = []
    for p_index, (problem, units) in enumerate(PROBLEMS):
        for m_index, measure in enumerate(MEASURES):
            deadline = ctx.today + dt.timedelta(days=(p_index * 4 + m_index) * 7 - 60)
            rows.append(
                MeasureData(
                    problem=problem,
                    description=measure,
                    deadline=deadline,
                    units=[ctx.units[u] for u in units],
                    person_name=["赵海涛", "黄丽", "林涛", ""][m_index],
                )
            )
    problem_list = actions.do_create_problem_list(
        actor=ACTOR,
        title="市委第三督导组反馈问题整改清单",
        source=ListSource.INSPECTION_TEAM,
        office=ctx.units["CITY-SHB"],
        rows=rows,
    )
    measures = list(Measure.objects.filter(problem__problem_list=problem_list).order_by("id"))
    for index, measure in enumerate(measures):
        kind = index % 6
        if kind in (0, 1, 2):  # signed off
            _complete(measure.pk)
            actions.do_review_measure(measure.pk, actor=ACTOR, approve=True, note="同意销号")
        elif kind == 3:  # waiting for review
            _complete(measure.pk)
        elif kind == 4:  # progress reported, still working
            actions.do_report_measure_progress(measure.pk, actor=ACTOR, body="已完成排查，正在建章立制。")
        elif index % 12 == 5:  # sent back once
            _complete(measure.pk)
            actions.do_review_measure(measure.pk, actor=ACTOR, approve=False, note="佐证材料不充分，请补充")
    transport = Sector.objects.filter(code="transport").first()
    actions.do_create_problem_list(
        actor=ACTOR,
        title="交通运输行业领域自查问题清单",
        source=ListSource.SELF_CHECK,
        office=ctx.units["CITY-SHB"],
        sector=transport,
        rows=[
            MeasureData(
                problem="客运市场非法营运屡禁不止",
                description="开展联合执法行动",
                deadline=ctx.today + dt.timedelta(days=30),
                units=[ctx.units["CITY-JT"]],
            ),
            MeasureData(
                problem="渣土运输准运证审批不严",
                description="修订审批办法",
                deadline=ctx.today - dt.timedelta(days=5),
                units=[ctx.units["CITY-JT"]],
            ),
        ],
    )


def populate(ctx: DemoContext) -> None:
    _letters(ctx)
    _inspection_list(ctx)
    done = Measure.objects.filter(status=MeasureStatus.SIGNED_OFF).count()
    ctx.say(
        f"rectification: {ProblemList.objects.count()} lists, {Measure.objects.count()} measures ({done} signed off)"
    )
