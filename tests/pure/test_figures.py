"""Tests for figure extraction from report text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.pure.catalogue import CATALOGUE, TRIGGERS
from taizhang.pure.figures import Figure, extract_figures, figures_as_dicts, prepare

SAMPLES = Path("/work/shared/samples")

# Hand-written report sentences and the figures a careful reader takes from them.
Expected = tuple[str, int | float, str, bool]

CASES: list[tuple[str, list[Expected]]] = [
    (
        "打掉涉黑组织5个、恶势力犯罪集团12个。",
        [("orgs.mafia", 5, "个", False), ("orgs.criminal_group", 12, "个", False)],
    ),
    (
        "破获刑事案件1234起，抓获犯罪嫌疑人5678人。",
        [("police.cases_solved", 1234, "件", False), ("police.suspects_caught", 5678, "人", False)],
    ),
    (
        "批捕涉黑涉恶犯罪嫌疑人120件356人。",
        [("procuratorate.arrests", 120, "件", False), ("procuratorate.arrests", 356, "人", False)],
    ),
    ("查封扣押冻结涉案资产23.5亿元。", [("assets.seized", 2_350_000_000, "元", False)]),
    ("查封、扣押、冻结涉案资产1267.75亿元。", [("assets.seized", 126_775_000_000, "元", False)]),
    ("全年抓获犯罪嫌疑人23.7万人。", [("police.suspects_caught", 237_000, "人", False)]),
    ("共抓获犯罪嫌疑人3万余人。", [("police.suspects_caught", 30_000, "人", True)]),
    ("抓获犯罪嫌疑人两千余人。", [("police.suspects_caught", 2000, "人", True)]),
    ("破获刑事案件十二起。", [("police.cases_solved", 12, "件", False)]),
    ("打掉恶势力团伙五个。", [("orgs.gang", 5, "个", False)]),
    ("线索查结率98.5%。", [("clues.conclusion_rate", 98.5, "%", False)]),
    (
        "受理线索1500条，查结1480条，查结率98.7%。",
        [
            ("clues.received", 1500, "条", False),
            ("clues.concluded", 1480, "条", False),
            ("clues.conclusion_rate", 98.7, "%", False),
        ],
    ),
    (
        "核查线索中查实320条，成案45条。",
        [("clues.substantiated", 320, "条", False), ("clues.substantiated", 45, "条", False)],
    ),
    (
        "起诉98件301人；一审判决76件254人。",
        [
            ("procuratorate.prosecutions", 98, "件", False),
            ("procuratorate.prosecutions", 301, "人", False),
            ("court.first_instance_judged", 76, "件", False),
            ("court.first_instance_judged", 254, "人", False),
        ],
    ),
    (
        "提起公诉涉黑涉恶案件43件217人。",
        [
            ("procuratorate.prosecutions", 43, "件", False),
            ("procuratorate.prosecutions", 217, "人", False),
        ],
    ),
    (
        "法院受理一审涉黑涉恶案件30件150人，一审宣判25件120人，二审审结10件40人。",
        [
            ("court.first_instance_accepted", 30, "件", False),
            ("court.first_instance_accepted", 150, "人", False),
            ("court.first_instance_judged", 25, "件", False),
            ("court.first_instance_judged", 120, "人", False),
            ("court.second_instance_judged", 10, "件", False),
            ("court.second_instance_judged", 40, "人", False),
        ],
    ),
    (
        "二审生效12件163人。",
        [("court.effective_judgments", 12, "件", False), ("court.effective_judgments", 163, "人", False)],
    ),
    (
        "判决生效案件8件，涉及被告人66人。",
        [
            ("court.effective_judgments", 8, "件", False),
            ("court.effective_judgments", 66, "人", False),
        ],
    ),
    (
        "立案查处涉黑涉恶腐败和“保护伞”问题215件312人。",
        [
            ("discipline.umbrella_cases", 215, "件", False),
            ("discipline.umbrella_cases", 312, "人", False),
        ],
    ),
    (
        "给予党纪政务处分180人，移送司法机关42人。",
        [
            ("discipline.sanctioned", 180, "人", False),
            ("discipline.transferred_to_judiciary", 42, "人", False),
        ],
    ),
    (
        "立案8起，处理34人。",
        [("discipline.umbrella_cases", 8, "件", False), ("discipline.persons_handled", 34, "人", False)],
    ),
    ("缉拿目标逃犯17人。", [("police.fugitives_caught", 17, "人", False)]),
    ("挂牌督办重点案件6起。", [("supervision.listed_cases", 6, "件", False)]),
    ("摸排线索近3000条。", [("clues.received", 3000, "条", True)]),
    ("收到群众举报线索约1.2万条。", [("clues.received", 12_000, "条", True)]),
    ("打掉“村霸”7个。", [("orgs.village_bully", 7, "个", False)]),
    (
        "共打掉涉黑涉恶犯罪团伙128个，其中涉黑组织13个，恶势力犯罪集团31个，恶势力犯罪团伙84个。",
        [
            ("orgs.total", 128, "个", False),
            ("orgs.mafia", 13, "个", False),
            ("orgs.criminal_group", 31, "个", False),
            ("orgs.gang", 84, "个", False),
        ],
    ),
    ("全市46个涉黑恶团伙被打掉。", [("orgs.total", 46, "个", False)]),
    ("查扣冻结涉黑涉恶资产5000余万元。", [("assets.seized", 50_000_000, "元", True)]),
    ("冻结涉案财产3.6亿余元。", [("assets.seized", 360_000_000, "元", True)]),
    ("破获各类刑事案件2,345起。", [("police.cases_solved", 2345, "件", False)]),
    ("抓获犯罪嫌疑人300余名。", [("police.suspects_caught", 300, "人", True)]),
    ("抓获涉恶成员120人左右。", [("police.suspects_caught", 120, "人", True)]),
    # Traditional script
    (
        "打掉涉黑組織5個，惡勢力犯罪集團12個；批捕涉黑涉惡犯罪嫌疑人120件356人。",
        [
            ("orgs.mafia", 5, "个", False),
            ("orgs.criminal_group", 12, "个", False),
            ("procuratorate.arrests", 120, "件", False),
            ("procuratorate.arrests", 356, "人", False),
        ],
    ),
    ("查封、扣押、凍結涉案資產23.5億元。", [("assets.seized", 2_350_000_000, "元", False)]),
    ("抓獲犯罪嫌疑人近800人。", [("police.suspects_caught", 800, "人", True)]),
    (
        "紀委監委立案查處涉黑涉惡腐敗和“保護傘”問題12件20人。",
        [
            ("discipline.umbrella_cases", 12, "件", False),
            ("discipline.umbrella_cases", 20, "人", False),
        ],
    ),
    ("線索查結率為96.3％。", [("clues.conclusion_rate", 96.3, "%", False)]),
    # ASCII punctuation and pinyin damage, as copied from the web
    ("打掉涉黑組(zǔ)織3個,恶势力团伙9个;", [("orgs.mafia", 3, "个", False), ("orgs.gang", 9, "个", False)]),
    (
        "批(pī)捕12件40人,起訴10件35人!",
        [
            ("procuratorate.arrests", 12, "件", False),
            ("procuratorate.arrests", 40, "人", False),
            ("procuratorate.prosecutions", 10, "件", False),
            ("procuratorate.prosecutions", 35, "人", False),
        ],
    ),
    # Full-width digits
    ("破获刑事案件１２３起。", [("police.cases_solved", 123, "件", False)]),
    # A case count and a person count joined by 、 (the person count follows the case count's indicator,
    # or its person companion when that indicator counts cases only).
    (
        "今年共侦破各类刑事案件1856件、抓获违法犯罪人员不计，其中涉黑涉恶案件203件、574人。",
        [
            ("police.cases_solved", 1856, "件", False),
            ("police.cases_solved", 203, "件", False),
            ("police.suspects_caught", 574, "人", False),
        ],
    ),
    (
        "全区公安机关破获刑事案件4208起、5371人。",
        [("police.cases_solved", 4208, "件", False), ("police.suspects_caught", 5371, "人", False)],
    ),
    (
        "二审审结涉恶案件9件、61人。",
        [("court.second_instance_judged", 9, "件", False), ("court.second_instance_judged", 61, "人", False)],
    ),
    # Verb variants.
    (
        "检察机关批准和决定逮捕涉恶犯罪嫌疑人75人，决定逮捕职务犯罪嫌疑人3人。",
        [("procuratorate.arrests", 75, "人", False), ("procuratorate.arrests", 3, "人", False)],
    ),
    (
        "依法批准或决定逮捕18件63人。",
        [("procuratorate.arrests", 18, "件", False), ("procuratorate.arrests", 63, "人", False)],
    ),
    ("缉捕潜逃多年的涉黑在逃人员14名。", [("police.fugitives_caught", 14, "人", False)]),
    ("专项行动中抓获涉恶在逃犯罪嫌疑人22人。", [("police.fugitives_caught", 22, "人", False)]),
    # The count before its verb, after an object marker.
    ("市扫黑办对27起重点案件实行挂牌督办。", [("supervision.listed_cases", 27, "件", False)]),
    ("对9名涉恶犯罪嫌疑人依法批准逮捕。", [("procuratorate.arrests", 9, "人", False)]),
    # A court accepting cases: first-instance acceptances.
    ("全市两级法院共受理涉黑恶案件31件。", [("court.first_instance_accepted", 31, "件", False)]),
    (
        "中级人民法院受理涉恶案件12件、88人。",
        [
            ("court.first_instance_accepted", 12, "件", False),
            ("court.first_instance_accepted", 88, "人", False),
        ],
    ),
    # ... and what these rules must leave alone.
    ("目前仍有在逃人员6名，正在全力追捕。", []),
    ("检察机关不批准逮捕11人。", []),
    ("对3名干部进行了约谈提醒。", []),
    ("对2起案件开展复查，其中挂牌督办的有", []),
    ("检察院受理审查逮捕案件40件。", [("procuratorate.arrests", 40, "件", False)]),
    ("受理群众来信线索300条、回访45人。", [("clues.received", 300, "条", False)]),
    (
        "查结线索260条、处理35人。",
        [("clues.concluded", 260, "条", False), ("discipline.persons_handled", 35, "人", False)],
    ),
    # Things that are not figures
    ("2024年3月15日，市扫黑办召开第3次例会。", []),
    ("联系电话：0931-8888888，13800138000。", []),
    ("根据市扫黑办〔2024〕12号文件要求，开展为期3个月的集中排查。", []),
    ("增强“四个意识”、坚定“四个自信”、做到“两个维护”。", []),
    ("刑事类警情同比下降19.3%，刑事立案下降16.9%，查获犯罪集团上升10%。", []),
    ("5个工作日内完成首次回告。", []),
    ("全年培训干部3000人次。", []),
    ("发现一起、查处一起，绝不姑息。", []),
    ("本方案自2024年1月1日起施行。", []),
    ("第一条 为规范线索管理，制定本办法。", []),
    ("会议由副市长主持，共有45人参加。", []),
    ("罚款5000元并责令改正。", []),
    # More mixtures
    (
        "今年以来，全市共破获涉黑涉恶刑事案件356起，抓获犯罪嫌疑人1208人，缉拿目标逃犯9人。",
        [
            ("police.cases_solved", 356, "件", False),
            ("police.suspects_caught", 1208, "人", False),
            ("police.fugitives_caught", 9, "人", False),
        ],
    ),
    (
        "检察机关批准逮捕涉黑涉恶犯罪嫌疑人86件412人，提起公诉71件398人。",
        [
            ("procuratorate.arrests", 86, "件", False),
            ("procuratorate.arrests", 412, "人", False),
            ("procuratorate.prosecutions", 71, "件", False),
            ("procuratorate.prosecutions", 398, "人", False),
        ],
    ),
    (
        "打掉涉恶组织5个，其中恶势力犯罪集团2个，恶势力团伙2个，“村霸”1个。",
        [
            ("orgs.total", 5, "个", False),
            ("orgs.criminal_group", 2, "个", False),
            ("orgs.gang", 2, "个", False),
            ("orgs.village_bully", 1, "个", False),
        ],
    ),
    (
        "批捕恶势力犯罪案件2件14人。",
        [("procuratorate.arrests", 2, "件", False), ("procuratorate.arrests", 14, "人", False)],
    ),
    (
        "全市共受理涉黑涉恶线索4.5万余条，办结4.3万条。",
        [
            ("clues.received", 45_000, "条", True),
            ("clues.concluded", 43_000, "条", False),
        ],
    ),
    (
        "查处涉黑涉恶腐败和“保护伞”问题12个，处理53人。",
        [
            ("discipline.umbrella_cases", 12, "件", False),
            ("discipline.persons_handled", 53, "人", False),
        ],
    ),
    (
        "一审审结涉黑案件15件98人，二审判决7件41人。",
        [
            ("court.first_instance_judged", 15, "件", False),
            ("court.first_instance_judged", 98, "人", False),
            ("court.second_instance_judged", 7, "件", False),
            ("court.second_instance_judged", 41, "人", False),
        ],
    ),
    ("省扫黑办挂牌督办案件11件。", [("supervision.listed_cases", 11, "件", False)]),
    (
        "侦破涉恶案件九十八起，刑拘一百二十人。",
        [
            ("police.cases_solved", 98, "件", False),
            ("police.suspects_caught", 120, "人", False),
        ],
    ),
    ("查封冻结扣押涉案资产逾2亿元。", [("assets.seized", 200_000_000, "元", True)]),
    ("累计打掉黑恶团伙1.2万个。", [("orgs.total", 12_000, "个", False)]),
    (
        "第二季度，全市办结线索360条，办结率100%。",
        [
            ("clues.concluded", 360, "条", False),
            ("clues.conclusion_rate", 100, "%", False),
        ],
    ),
    (
        "共收到线索120条，其中查实18条、查否90条。",
        [
            ("clues.received", 120, "条", False),
            ("clues.substantiated", 18, "条", False),
        ],
    ),
    ("移送司法机关处理12人。", [("discipline.transferred_to_judiciary", 12, "人", False)]),
]


def _simple(figures: list[Figure]) -> list[Expected]:
    return [(f.indicator, f.value, f.unit, f.approx) for f in figures]


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0][:16] for c in CASES])
def test_sentence(sentence: str, expected: list[Expected]) -> None:
    assert _simple(extract_figures(sentence)) == expected


def test_case_set_is_large_enough() -> None:
    assert len(CASES) >= 60


def test_accuracy_over_case_set() -> None:
    expected_total = found_total = right_value = right_indicator = 0
    for sentence, expected in CASES:
        found = _simple(extract_figures(sentence))
        expected_total += len(expected)
        found_total += len(found)
        remaining = list(expected)
        for item in found:
            if item in remaining:
                remaining.remove(item)
                right_value += 1
                right_indicator += 1
            elif any(item[1:3] == e[1:3] for e in remaining):
                right_value += 1
    assert right_value / max(found_total, 1) >= 0.95
    assert right_indicator / max(found_total, 1) >= 0.90
    assert right_indicator / max(expected_total, 1) >= 0.90


def test_offsets_and_text_refer_to_prepared_text() -> None:
    raw = "打掉涉黑組(zǔ)織5個,查封涉案資產3萬余元。"
    prepared = prepare(raw)
    for figure in extract_figures(raw):
        assert prepared[figure.start : figure.end] == figure.text
    assert [f.text for f in extract_figures(raw)] == ["5个", "3万余元"]


def test_figures_serialise_to_json() -> None:
    data = figures_as_dicts(extract_figures("查封涉案资产23.5亿元，抓获犯罪嫌疑人3万余人。"))
    assert json.loads(json.dumps(data)) == data
    assert set(data[0]) == {"indicator", "value", "unit", "approx", "text", "start", "end"}
    assert data[0]["value"] == 2_350_000_000 and isinstance(data[0]["value"], int)


def test_catalogue_is_complete() -> None:
    codes = {indicator.code for indicator in CATALOGUE}
    assert len(codes) == 24
    assert {code for code, _ in TRIGGERS} == codes
    for indicator in CATALOGUE:
        assert set(indicator.units) <= {"个", "件", "人", "条", "元", "%"}


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="real samples not present")
def test_real_samples() -> None:
    by_file: dict[str, list[Figure]] = {}
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        by_file[path.name] = extract_figures(text)
        prepared = prepare(text)
        for figure in by_file[path.name]:
            assert prepared[figure.start : figure.end] == figure.text
    meeting = {(f.indicator, f.unit): f.value for f in by_file.get("lanzhou-meeting-report.txt", [])}
    if meeting:
        assert meeting[("orgs.total", "个")] == 5
        assert meeting[("procuratorate.arrests", "人")] == 14
        assert meeting[("court.effective_judgments", "人")] == 163
        assert meeting[("discipline.persons_handled", "人")] == 34
    news = {(f.indicator, f.value) for f in by_file.get("taiyuan-news-report.txt", [])}
    if news:
        assert {
            ("orgs.total", 128),
            ("orgs.mafia", 13),
            ("orgs.criminal_group", 31),
            ("orgs.gang", 84),
        } <= news
        assert all(f.unit != "%" for f in by_file["taiyuan-news-report.txt"])  # change rates are not figures


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_never_crashes_on_arbitrary_text(text: str) -> None:
    extract_figures(text)


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("打掉涉黑组织批捕起诉件人个余万亿近.0123456789一二十百，、；。")),
        max_size=60,
    )
)
def test_never_crashes_on_report_like_text(text: str) -> None:
    for figure in extract_figures(text):
        assert figure.unit in {"个", "件", "人", "条", "元", "%"}
