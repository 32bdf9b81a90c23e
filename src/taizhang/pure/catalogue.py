"""The indicator catalogue: codes, Chinese names, variants, units and the phrases that announce them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BLOCKERS", "CATALOGUE", "PERSON_COMPANIONS", "TRIGGERS", "Indicator", "by_code"]

# Text between a verb and its object, e.g. 破获[涉黑涉恶刑事]案件; never crosses a clause or a number.
_GAP = "[^，。；！？、\\d\\n]{0,12}?"


@dataclass(frozen=True)
class Indicator:
    """One figure the office reports; units are canonical (个, 件, 人, 条, 元, %)."""

    code: str
    name: str
    variants: tuple[str, ...]
    units: tuple[str, ...]


CATALOGUE: tuple[Indicator, ...] = (
    Indicator("orgs.mafia", "打掉涉黑组织", ("涉黑组织", "黑社会性质组织"), ("个",)),
    Indicator("orgs.criminal_group", "恶势力犯罪集团", ("恶势力犯罪集团", "涉恶犯罪集团"), ("个",)),
    Indicator("orgs.gang", "恶势力团伙", ("恶势力团伙", "恶势力犯罪团伙", "涉恶团伙"), ("个",)),
    Indicator("orgs.village_bully", "村霸", ("村霸",), ("个",)),
    Indicator("orgs.total", "涉黑涉恶组织（合计）", ("涉黑涉恶组织", "涉黑涉恶团伙"), ("个",)),
    Indicator("police.cases_solved", "破获刑事案件", ("破获刑事案件",), ("件",)),
    Indicator("police.suspects_caught", "抓获犯罪嫌疑人", ("抓获犯罪嫌疑人",), ("人",)),
    Indicator("police.fugitives_caught", "缉拿目标逃犯", ("缉拿目标逃犯",), ("人",)),
    Indicator("procuratorate.arrests", "批捕", ("批捕", "批准逮捕"), ("件", "人")),
    Indicator("procuratorate.prosecutions", "起诉", ("起诉", "提起公诉"), ("件", "人")),
    Indicator("court.first_instance_accepted", "受理一审", ("受理一审",), ("件", "人")),
    Indicator("court.first_instance_judged", "一审判决", ("一审判决", "一审宣判", "一审审结"), ("件", "人")),
    Indicator("court.second_instance_judged", "二审判决", ("二审判决", "二审审结"), ("件", "人")),
    Indicator("court.effective_judgments", "生效判决", ("生效判决", "二审生效", "审判生效"), ("件", "人")),
    Indicator(
        "discipline.umbrella_cases",
        "立案查处涉黑涉恶腐败和“保护伞”",
        ("立案查处涉黑涉恶腐败和“保护伞”",),
        ("件", "人"),
    ),
    Indicator("discipline.persons_handled", "立案处理", ("立案处理", "处理"), ("人",)),
    Indicator("discipline.sanctioned", "党纪政务处分", ("党纪政务处分",), ("人",)),
    Indicator("discipline.transferred_to_judiciary", "移送司法机关", ("移送司法机关",), ("人",)),
    Indicator("assets.seized", "查封、扣押、冻结涉案资产", ("查封、扣押、冻结涉案资产",), ("元",)),
    Indicator("clues.received", "受理线索", ("受理线索", "摸排线索"), ("条",)),
    Indicator("clues.concluded", "查结线索", ("查结", "核结", "办结"), ("条",)),
    Indicator("clues.conclusion_rate", "查结率", ("查结率", "核结率"), ("%",)),
    Indicator("clues.substantiated", "查实线索", ("查实", "成案"), ("条",)),
    Indicator("supervision.listed_cases", "挂牌督办", ("挂牌督办",), ("件",)),
)

# Regexes (over Simplified text) announcing an indicator, most specific first: at one position the first
# alternative that matches wins, so 受理一审 beats 一审 and 查结率 beats 查结.
TRIGGERS: tuple[tuple[str, str], ...] = (
    ("clues.conclusion_rate", "(?:查结|核结|办结|结案)率"),
    # A court accepting cases is a first-instance acceptance (全市法院受理涉黑恶案件56件).
    (
        "court.first_instance_accepted",
        f"受理{_GAP}一审|一审受理|一审收案|(?:法院|审判机关){_GAP}受理{_GAP}案",
    ),
    ("court.effective_judgments", "二审生效|审判生效|判决生效|生效判决|已生效"),
    ("court.first_instance_judged", "一审(?:判决|宣判|审结|判处)|审结一审|一审"),
    ("court.second_instance_judged", "二审(?:判决|宣判|审结)|审结二审|二审"),
    # 批准和决定逮捕, 决定逮捕, 批准或决定逮捕: the verb and its variants joined by 和/及/或/、.
    ("procuratorate.arrests", "(?:批准|决定)(?:[和及或、](?:批准|决定))?逮捕|批捕|审查逮捕"),
    ("procuratorate.prosecutions", "提起公诉|审查起诉|起诉|公诉"),
    (
        "orgs.total",
        "涉黑涉恶(?:犯罪)?(?:组织|团伙)|涉黑恶(?:犯罪)?(?:组织|团伙)|黑恶(?:势力)?(?:犯罪)?(?:组织|团伙)|涉恶(?:犯罪)?组织",
    ),
    ("orgs.mafia", "黑社会性质(?:犯罪)?组织|涉黑(?:犯罪)?组织|涉黑团伙"),
    ("orgs.criminal_group", "恶势力(?:犯罪)?集团|涉恶(?:犯罪)?集团"),
    ("orgs.gang", "恶势力(?:犯罪)?团伙|涉恶(?:犯罪)?团伙|恶势力"),
    ("orgs.village_bully", "村霸"),
    # 缉捕/抓获…在逃人员…名: catching someone at large; a bare 在逃人员 (still at large) is not a catch.
    (
        "police.fugitives_caught",
        f"(?:缉捕|缉拿|抓获|抓捕|追捕|追逃){_GAP}(?:在逃(?:人员|犯罪嫌疑人|嫌疑人|成员)?|逃犯)|缉捕|缉拿|目标逃犯|逃犯",
    ),
    ("police.cases_solved", f"(?:破获|侦破|破案|侦办){_GAP}案件?|破获|侦破"),
    ("police.suspects_caught", f"(?:抓获|抓捕|刑拘|刑事拘留){_GAP}(?:嫌疑人|成员)?"),
    ("discipline.sanctioned", "党纪政务处分|党纪处分|政务处分|处分"),
    ("discipline.transferred_to_judiciary", "移送(?:司法机关|司法|检察机关)(?:处理)?"),
    ("discipline.persons_handled", "立案处理|组织处理|处理"),
    (
        "discipline.umbrella_cases",
        f'立案查处{_GAP}(?:保护伞|腐败)[”"]?{_GAP}|涉黑涉恶腐败|保护伞[”"]?{_GAP}|立案(?!侦查)',
    ),
    (
        "assets.seized",
        f"(?:查封|扣押|冻结|查扣冻|涉案|涉黑涉恶|涉黑恶){_GAP}(?:资产|财产|财物)|查封|扣押|冻结",
    ),
    ("supervision.listed_cases", "挂牌督办"),
    ("clues.concluded", "(?:查结|核结|办结|结案)(?:线索)?"),
    ("clues.substantiated", "(?:查实|成案)(?:线索)?"),
    ("clues.received", f"(?:受理|摸排|排查|收到|接收|核查|梳理){_GAP}线索|线索"),
)

# Phrases whose numbers belong to no indicator; they stop the search for an earlier phrase (查否90条).
BLOCKERS = (
    "不予批准逮捕|不批准逮捕|查否|无法核实|未查实|不属实|不予立案|不立案|不起诉|不批捕|不捕|退查|移交其他"
)

# A person count joined to a case count by 、 (破获刑事案件364309件、410974人) belongs to the case count's
# indicator when that one counts persons too, else to the indicator here.
PERSON_COMPANIONS: dict[str, str] = {"police.cases_solved": "police.suspects_caught"}

_BY_CODE = {indicator.code: indicator for indicator in CATALOGUE}


def by_code(code: str) -> Indicator:
    """Look an indicator up by its code."""
    return _BY_CODE[code]
