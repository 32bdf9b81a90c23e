"""Tests for cleaning web-copied Chinese text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.pure.cleaning import clean, find_suspects, normalise_punctuation, remove_annotations
from taizhang.pure.script import detect_script


@pytest.mark.parametrize(
    ("raw", "expected", "removed"),
    [
        ("領(lǐng)導(dǎo)", "領導", 2),
        ("全體(擴(kuò)大)會議", "全體（擴大）會議", 1),
        ("领（lǐng）导（dǎo）", "领导", 2),
        ("行(háng)業", "行業", 1),  # heteronym
        ("行(xíng)動", "行動", 1),
        ("重(chóng)復", "重復", 1),
        ("領導(lǐng dǎo)小組", "領導小組", 1),
        ("樂(le)", "樂", 1),  # Simplified form 乐 reads lè/yuè; le matches toneless
        ("開(kāi)會((huì))", "開會((huì))", 1),  # doubled bracket: only the direct annotation goes
    ],
)
def test_annotations_removed(raw: str, expected: str, removed: int) -> None:
    result = clean(raw)
    assert result.text == expected
    assert result.annotations_removed == removed


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("成員組成。(名單附后)", "成員組成。（名單附后）"),
        ("(山西日報)", "（山西日報）"),
        ("工作方案(2024)", "工作方案（2024）"),
        ("(一)強化線索排查", "（一）強化線索排查"),
        ("領(líng)導", "領（líng）導"),  # wrong tone: not a reading, stays
        ("會(kuài)議", "會（kuài）議"),  # 會 does read kuài (會計) → removed? see below
        ("張(zhang)三", "張三"),
        ("Python(py)", "Python(py)"),
        ("中(abc)", "中（abc）"),
    ],
)
def test_real_brackets_survive(raw: str, expected: str) -> None:
    if raw.startswith("會"):
        expected = "會議"  # kuài is a genuine reading of 會, so it is an annotation
    assert clean(raw).text == expected


def test_nested_real_brackets() -> None:
    assert clean("本方案(含附件(一)(二))印發").text == "本方案（含附件（一）（二））印發"


def test_punctuation_normalised_only_in_chinese() -> None:
    raw = (
        "8月27日,全市召開會議;要求:抓落實!是否到位?見 http://a.cn/x?y=1, pi=3.14, 1,000 items. Hello, world!"
    )
    out = normalise_punctuation(raw)
    assert out.startswith(
        "8月27日，全市召開會議；要求：抓落實！是否到位？見 http://a.cn/x?y=1, pi=3.14, 1,000"
    )
    assert out.endswith("Hello, world!")
    assert normalise_punctuation("时间:10:30") == "时间：10:30"


def test_real_question_mark_not_flagged() -> None:
    result = clean("是誰在背後保護“小四毛”?專案組攻堅克難")
    assert result.suspect_spans == []
    assert "”？專" in result.text
    assert clean("这是谁?他是组长").suspect_spans == []
    assert clean("是否完成?").suspect_spans == []


def test_mojibake_after_lost_annotation_flagged() -> None:
    result = clean("通過開展?jié)L動排查，規範秩序")
    assert [s[2] for s in result.suspect_spans] == ["?jié)L"]
    start, end, text = result.suspect_spans[0]
    assert result.text[start:end] == text


def test_mojibake_with_rare_characters_flagged() -> None:
    result = clean("局長王?zhí)烊?,市掃黑辦主任")
    assert len(result.suspect_spans) == 1
    start, end, text = result.suspect_spans[0]
    assert text.startswith("?zhí)") and text.endswith("?")
    assert result.text[start:end] == text
    assert result.text.endswith("，市掃黑辦主任")


def test_mojibake_tail_with_annotation_kept_together() -> None:
    result = clean("斬?duàn)嗪诨耶a(chǎn)業(yè)鏈")
    assert len(result.suspect_spans) == 1
    assert result.suspect_spans[0][2] == "?duàn)嗪诨耶a(chǎn)"
    assert result.text.endswith("業鏈")


def test_question_mark_inside_han_run_flagged() -> None:
    assert find_suspects("會議由張?主持召開") == [(4, 5)]


def test_replacement_character_flagged() -> None:
    assert find_suspects("組織\ufffd\ufffd活動") == [(2, 4)]


def test_spans_refer_to_converted_text() -> None:
    result = clean("領(lǐng)導(dǎo)小組開展?jié)L動排查", to="simplified")
    assert result.text.startswith("领导小组开展")
    start, end, text = result.suspect_spans[0]
    assert result.text[start:end] == text == "?jié)L"
    assert result.script == "traditional"


def test_conversion_both_ways() -> None:
    assert clean("掃黑除惡專項鬥爭", to="simplified").text == "扫黑除恶专项斗争"
    assert clean("扫黑除恶专项斗争", to="traditional").text == "掃黑除惡專項鬥爭"
    with pytest.raises(ValueError):
        clean("x", to="klingon")  # type: ignore[arg-type]


def test_script_detection() -> None:
    assert detect_script("掃黑除惡專項鬥爭取得成效") == "traditional"
    assert detect_script("扫黑除恶专项斗争取得成效") == "simplified"
    assert detect_script("掃黑除惡扫黑除恶") == "mixed"
    assert detect_script("123 abc") == "simplified"
    # A few characters valid in both scripts (后, 干, 范) do not make Traditional text mixed.
    assert detect_script("名單附后，領導幹部防范風險") == "traditional"


def test_empty_text() -> None:
    result = clean("")
    assert result.text == "" and result.suspect_spans == [] and result.annotations_removed == 0


HAN_CHARS = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_clean_never_crashes(text: str) -> None:
    result = clean(text)
    for start, end, span in result.suspect_spans:
        assert result.text[start:end] == span
    clean(text, to="simplified")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(HAN_CHARS, st.booleans()), min_size=1, max_size=40))
def test_inserted_annotations_removed_exactly(items: list[tuple[str, bool]]) -> None:
    from pypinyin import Style, pinyin

    raw_parts: list[str] = []
    inserted = 0
    for ch, annotate in items:
        raw_parts.append(ch)
        if annotate:
            raw_parts.append(f"({pinyin(ch, style=Style.TONE)[0][0]})")
            inserted += 1
    text, removed = remove_annotations("".join(raw_parts))
    assert text == "".join(ch for ch, _ in items)
    assert removed == inserted


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("中文工作會議，。、 ()（）?!,;:abc123")), max_size=80))
def test_cleaning_keeps_every_han_character(text: str) -> None:
    result = clean(text)
    assert re.findall("[中文工作會議]", result.text) == re.findall("[中文工作會議]", text)
