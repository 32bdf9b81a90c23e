"""Tests for search folding, index tokens and highlighting."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.pure.fold import bigrams, fold, highlight_spans, query_terms


def test_fold() -> None:
    assert fold("掃黑除惡ＡＢＣ１２３　Ok") == "扫黑除恶abc123 ok"


def test_bigrams_include_single_characters_and_words() -> None:
    tokens = bigrams("涉黑組織 2024年 Case-7")
    assert "涉" in tokens and "涉黑" in tokens and "黑组" in tokens and "织" in tokens
    assert "2024" in tokens and "年" in tokens and "case" in tokens and "7" in tokens
    assert "织2" not in tokens
    assert len(tokens) == len(set(tokens))


def test_query_terms() -> None:
    assert query_terms("黑") == ["黑"]
    assert query_terms("涉黑") == ["涉黑"]
    assert query_terms("涉黑組織") == ["涉黑", "黑组", "组织"]
    assert query_terms("張三 13800") == ["张", "三"] or query_terms("張三 13800") == ["张三", "13800"]
    assert query_terms("2024-SH 涉惡") == ["2024", "sh", "涉恶"]
    assert query_terms("") == []


def test_query_terms_are_subset_of_document_tokens() -> None:
    doc = "打掉涉黑組織5個，抓獲犯罪嫌疑人ABC"
    tokens = set(bigrams(doc))
    for q in ["涉黑", "黑", "组织5", "abc", "嫌疑人", "獲"]:
        assert set(query_terms(q)) <= tokens, q


def test_highlight_is_folding_aware() -> None:
    text = "打掉涉黑組織5個，涉黑"
    assert highlight_spans(text, "涉黑组织") == [(2, 6)]
    assert highlight_spans(text, "涉黑") == [(2, 4), (9, 11)]
    assert highlight_spans("ＡＢＣ公司", "abc") == [(0, 3)]
    assert highlight_spans(text, "黑 组织") == [(3, 6), (10, 11)]
    assert highlight_spans(text, "") == []


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=120), st.text(max_size=10))
def test_fold_functions_never_crash(text: str, q: str) -> None:
    fold(text)
    bigrams(text)
    query_terms(q)
    for start, end in highlight_spans(text, q):
        assert 0 <= start < end <= len(text)
