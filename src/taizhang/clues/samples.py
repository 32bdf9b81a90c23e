"""Realistic, invented clue text for the demo and the benchmark generator (fictional 江川市; no real people).

Django-free, so bench/generate.py can use it without the ORM's per-row cost.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国志海兵东亮峰晨文彬立成锋新春"
NICKNAMES = ["老三", "大头", "黑皮", "二虎", "疤哥", "四毛", "光头强", "六子", "阿彪", "胖哥"]

DISTRICTS = {
    "东湖区": ["湖滨街道", "东城街道", "望湖街道", "梅岭镇", "新港街道"],
    "西岭区": ["西关街道", "岭南街道", "石门镇", "青山镇", "矿区街道"],
    "南台县": ["城关镇", "南溪乡", "台山镇", "白沙乡", "龙口镇"],
}
PLACES = [
    "建材市场",
    "客运站",
    "砂石码头",
    "农贸市场",
    "物流园",
    "老城区夜市",
    "工业园",
    "安置小区",
    "采石场",
    "河道",
]
VILLAGES = ["石桥村", "大湾村", "杨柳村", "新塘村", "红旗村", "枫林村", "下坝村", "陈家庄"]
COMPANIES = [
    "江川市恒通砂石有限公司",
    "江川市鑫达土石方工程有限公司",
    "江川市顺发物流有限公司",
    "江川市金鼎小额贷款有限公司",
    "南台县兴旺建材经营部",
    "东湖区盛世娱乐会所",
    "西岭区宏远渣土运输队",
    "江川市安居物业管理有限公司",
]
OFFICIAL_POSTS = [
    ("派出所副所长", "东湖区公安分局湖滨派出所"),
    ("村党支部书记", "南台县南溪乡石桥村"),
    ("执法中队长", "江川市城市管理局"),
    ("副局长", "江川市自然资源和规划局西岭分局"),
    ("交警中队副中队长", "江川市公安局交通警察支队"),
    ("镇党委委员", "西岭区石门镇人民政府"),
]


@dataclass(frozen=True)
class Pattern:
    """A kind of matter people report: which sector, the gist, the facts, and what the verification found."""

    sector: str
    category: str
    summary: str
    facts: str
    finding: str


PATTERNS = [
    Pattern(
        "交通运输",
        "evil",
        "{name}等人在{place}强行揽客、殴打其他司机",
        "来信反映：{name}（绰号“{nick}”）纠集七八名社会闲散人员，长期盘踞{area}{place}，"
        "强迫乘客乘坐其控制的车辆，对不服从的出租车、网约车司机拦车、砸车、殴打。"
        "今年以来至少发生五起冲突，有司机被打伤住院，当地群众敢怒不敢言。",
        "经调取{place}周边监控、走访司机二十余人，{name}等人强行揽客、多次殴打司机的情况基本属实。",
    ),
    Pattern(
        "渣土运输",
        "evil",
        "{org}垄断{area}渣土运输，强收“保护费”",
        "群众反映：{org}实际控制人{name}以暴力威胁手段垄断{area}多个工地的渣土运输，"
        "外地车辆进入须按每车每月两千元缴纳“进场费”，拒不缴纳的车辆被堵路、扎胎，司机遭围殴。",
        "经核查，{org}存在以威胁手段排挤其他运输车辆的行为，部分收费无合法依据。",
    ),
    Pattern(
        "自然资源",
        "mafia",
        "{name}团伙在{village}非法采砂，暴力阻挠执法",
        "举报人称：{area}{village}河段长期有人夜间非法采砂，组织者为{name}，手下有固定打手十余人，"
        "曾两次围堵前来执法的工作人员，扣押执法记录仪。采砂导致河堤塌陷，村民多次反映无果。",
        "经自然资源、水务部门联合夜查，现场查获采砂船两艘，{name}组织非法采砂的情况属实。",
    ),
    Pattern(
        "工程建设",
        "evil",
        "{name}在{area}安置房项目强揽工程、强买强卖建材",
        "反映{name}自称有“关系”，在{area}安置房项目工地强行要求施工方使用其提供的砂石、混凝土，"
        "价格高出市场三成，施工方拒绝后被多次堵门停工，工人遭到恐吓。",
        "经走访施工方及建材供应商，{name}强揽工程、强迫交易的情况部分属实。",
    ),
    Pattern(
        "信息网络",
        "evil",
        "{org}通过网络“套路贷”暴力催收",
        "多名群众反映：{org}以“无抵押、当天放款”为诱饵发放网络贷款，虚增借款金额、收取高额“服务费”，"
        "逾期后通过“呼死你”、PS 不雅照片发给借款人通讯录联系人等方式软暴力催收，造成一名借款人精神失常。",
        "经调取资金流水，{org}存在虚增债务、软暴力催收情形，涉案借款人一百三十余名。",
    ),
    Pattern(
        "市容管理",
        "disorder",
        "{area}{place}周边长期存在欺行霸市现象",
        "群众来电反映：{area}{place}周边摊位由{name}等人把持，新来摊贩须向其缴纳“摊位费”，"
        "否则被掀摊、驱赶；夜间经常有人聚众斗殴，周边居民生活受到严重影响。",
        "经城管、公安联合排查，{place}周边存在强收摊位费的情况，已列为重点整治乱点。",
    ),
    Pattern(
        "违法建设",
        "evil",
        "{name}在{village}违法占地建厂，威胁举报村民",
        "村民反映：{name}在{area}{village}未经审批占用基本农田建设厂房约三十亩，"
        "村民举报后，家中玻璃被砸，门口被泼油漆，{name}公开扬言“谁举报就让谁在村里待不下去”。",
        "经现场核查，违法占地面积约二十六亩，威胁举报人的情况无法查实。",
    ),
    Pattern(
        "户外广告",
        "other",
        "{org}垄断{area}户外广告位，强迫商户高价租赁",
        "商户反映：{org}通过关系取得{area}主干道广告位经营权后，强迫沿街商户以高价租赁门头广告，"
        "不租的商户门头被强行拆除，多次报警后问题仍未解决。",
        "经核查，{org}广告位经营手续齐全，强拆门头系城管依法整治违规广告，反映问题不属实。",
    ),
    Pattern(
        "其他",
        "umbrella",
        "{official}{post}涉嫌为{name}团伙充当“保护伞”",
        "实名举报：{name}团伙在{area}开设赌场、放高利贷多年，每次检查前都会提前收到消息；"
        "举报人称{unit}{post}{official}与{name}关系密切，经常出入其经营的会所，并为其打招呼、压案不查。",
        "经初步核实，{official}与{name}存在不正当交往，相关问题线索已按程序移送纪委监委。",
    ),
    Pattern(
        "其他",
        "mafia",
        "{name}家族把持{village}村务，欺压群众",
        "来访群众反映：{area}{village}村委换届时{name}家族以威胁、贿选等手段控制选举，"
        "此后把持村集体土地流转和工程发包，对提出异议的村民进行殴打、毁坏庄稼，群众多次上访。",
        "经核查，{name}家族成员在换届中存在拉票贿选行为，欺压村民的情况部分属实。",
    ),
]


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given


def masked_name(rng: random.Random) -> str:
    """How ledgers usually write a reported person: surname plus 某 or 某某."""
    return rng.choice(SURNAMES) + rng.choice(["某", "某某"])


@dataclass
class ClueText:
    """The text of one invented clue."""

    pattern: Pattern
    summary: str
    facts: str
    finding: str
    place: str
    area: str
    subject: str
    company: str
    official: str
    official_post: str
    official_unit: str


def clue_text(rng: random.Random, pattern: Pattern | None = None) -> ClueText:
    """An invented clue: who, where, what, in the words a 来信 or 来电 would use."""
    pattern = pattern or rng.choice(PATTERNS)
    district = rng.choice(list(DISTRICTS))
    area = district + rng.choice(DISTRICTS[district])
    place = rng.choice(PLACES)
    village = rng.choice(VILLAGES)
    subject = masked_name(rng)
    company = rng.choice(COMPANIES)
    post, unit = rng.choice(OFFICIAL_POSTS)
    official = masked_name(rng)
    values = {
        "name": subject,
        "nick": rng.choice(NICKNAMES),
        "area": area,
        "place": place,
        "village": village,
        "org": company,
        "official": official,
        "post": post,
        "unit": unit,
    }
    return ClueText(
        pattern=pattern,
        summary=pattern.summary.format(**values)[:200],
        facts=pattern.facts.format(**values),
        finding=pattern.finding.format(**values),
        place=f"江川市{area}{place if '{place}' in pattern.facts else village}",
        area=area,
        subject=subject,
        company=company,
        official=official,
        official_post=post,
        official_unit=unit,
    )
