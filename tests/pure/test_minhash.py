"""Tests for MinHash near-duplicate detection."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.pure.minhash import NUM_PERM, band_keys, jaccard, shingles, signature, similarity

CLUE = (
    "群众反映某村村主任张某长期把持村务，强揽工程，纠集社会闲散人员在砂石料场收取保护费，威胁村民不得举报。"
)


def test_shingles_normalise_script_width_and_punctuation() -> None:
    assert shingles("掃黑，除惡") == shingles("扫黑除恶") == {"扫黑", "黑除", "除恶"}
    assert shingles("黑") == {"黑"}
    assert shingles("，。") == set()
    assert len(next(iter(shingles("扫黑除恶", k=3)))) == 3


def test_signature_is_deterministic_and_sized() -> None:
    assert signature(CLUE) == signature(CLUE)
    assert len(signature(CLUE)) == NUM_PERM
    assert len(signature(CLUE, num_perm=64)) == 64


def test_identical_and_traditional_copies_are_equal() -> None:
    from taizhang.pure.script import convert

    assert similarity(signature(CLUE), signature(convert(CLUE, "traditional"))) == 1.0


def test_near_duplicate_scores_high_and_shares_band() -> None:
    edited = CLUE.replace("张某", "张某某").replace("威胁", "恐吓")
    exact = jaccard(CLUE, edited)
    estimate = similarity(signature(CLUE), signature(edited))
    assert exact > 0.7
    assert abs(exact - estimate) < 0.15
    assert set(band_keys(signature(CLUE))) & set(band_keys(signature(edited)))


def test_unrelated_texts_score_low() -> None:
    other = "市交通运输局开展道路运输行业专项整治，查处非法营运车辆四十余辆，约谈企业负责人十二名。"
    assert jaccard(CLUE, other) < 0.1
    assert similarity(signature(CLUE), signature(other)) < 0.2
    assert not set(band_keys(signature(CLUE))) & set(band_keys(signature(other)))


def test_band_keys_shape() -> None:
    keys = band_keys(signature(CLUE))
    assert len(keys) == 32 and len(set(keys)) == 32
    assert keys[0].startswith("00:")
    with pytest.raises(ValueError):
        band_keys(signature(CLUE), bands=7)


def test_empty_texts() -> None:
    assert jaccard("", "，") == 1.0
    assert similarity(signature(""), signature("")) == 1.0
    assert similarity(signature(""), signature(CLUE)) == 0.0


def test_short_texts_are_densified() -> None:
    sig = signature("涉黑线索")
    assert len(set(sig)) > 3
    assert similarity(sig, signature("涉黑线索")) == 1.0


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_never_crashes_and_stays_in_range(a: str, b: str) -> None:
    assert 0.0 <= similarity(signature(a), signature(b)) <= 1.0
    assert 0.0 <= jaccard(a, b) <= 1.0
