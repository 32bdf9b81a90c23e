"""Tests for figure extraction from report text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.pure.catalogue import CATALOGUE, TRIGGERS
from taizhang.pure.figures import Figure, extract_figures, figures_as_dicts, prepare

from .figure_cases import CASES, Expected

SAMPLES = Path("/work/shared/samples")


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
