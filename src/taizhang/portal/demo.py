"""Demo portal reports: an anonymous one, a real-name one and a 保护伞 one, each with a receipt."""

from __future__ import annotations

import secrets

from taizhang.clues.actions import ReporterData, SubjectData
from taizhang.core.demo_context import DemoContext
from taizhang.portal import actions, credentials

REPORTS = [
    (
        actions.Submission(
            summary="码头砂石被“沙霸”垄断，运输车辆被逼高价进货",
            happened_when="2025年下半年至今",
            place="江北区河东镇砂石码头",
            facts="陈某某纠集十余名社会人员控制码头装卸，外地运输车辆必须从其砂场高价进货，不从者车辆被砸、司机被打。",
            subjects=[SubjectData(name="陈某某", position="绰号“陈老虎”", unit_name="河东镇某砂石场")],
        ),
        None,
    ),
    (
        actions.Submission(
            summary="小区物业强收“管理费”，业主维权遭殴打",
            happened_when="2026年3月",
            place="东湖区锦绣花园小区",
            facts="物业负责人周某某带人挨户强收“装修管理费”，业主拒交即断水断电，两名业主维权时被打伤。",
            subjects=[
                SubjectData(name="周某某", position="物业公司负责人"),
                SubjectData(name="吴某", position="保安队长"),
            ],
            reporter=ReporterData(
                kind="real_name",
                identity={"name": "李明华", "phone": "13900002222", "address": "锦绣花园3栋"},
                wants_feedback=True,
            ),
        ),
        "jinxiu-garden-2026",
    ),
    (
        actions.Submission(
            summary="非法采矿团伙背后有人通风报信",
            happened_when="近两年",
            place="西山镇",
            facts="郑某某团伙长期在西山非法采矿，每次检查前都提前停工，群众怀疑有公职人员通风报信。",
            subjects=[
                SubjectData(name="郑某某", position="矿老板"),
                SubjectData(name="冯某", position="某所副所长", is_official=True),
            ],
            umbrella_details="冯某多次在检查前打电话给郑某某。",
        ),
        None,
    ),
]


def populate(ctx: DemoContext) -> None:
    issued = []
    for sub, chosen in REPORTS:
        passphrase, hashed = actions.prepare_passphrase(chosen or "")
        # The demo is a trusted in-process caller: a fresh nonce stands in for a solved challenge.
        receipt = actions.do_submit_report(
            sub,
            passphrase=passphrase,
            passphrase_hash=hashed,
            attachments=[],
            challenge_nonce=secrets.token_hex(16),
        )
        issued.append(receipt)
    first = issued[0]
    actions.do_add_reporter_message(
        first.receipt.pk,
        body="补充：他们每天早上六点在码头收“过路费”，车牌号我记下了一部分。",
        attachments=[],
    )
    ctx.extra["portal_receipts"] = issued
    # Printed last by the demo command, after every app's progress lines, so it is not lost among them.
    ctx.extra.setdefault("highlights", []).extend(
        [
            "演示举报回执（公众举报平台 /report/follow-up/ 查询与补充）：",
            f"  回执编号  {credentials.format_code(first.code)}",
            f"  查询密码  {first.passphrase}",
        ]
    )
