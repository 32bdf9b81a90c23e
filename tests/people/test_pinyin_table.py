"""The pinyin table name keys read (pure/pinyin_first.txt) answers exactly what pypinyin answers.

pinyin_key once called pypinyin (`lazy_pinyin(folded, errors="ignore")`, no phrase dictionary); it reads a table
written from it instead, so the server does not load pypinyin's 11 MiB. The stored keys must not change: every
character of the table, and random names mixing Han characters with anything else, get the same key both ways.
"""

from __future__ import annotations

import random
import sys

import pytest

import taizhang  # noqa: F401 - sets PYPINYIN_NO_PHRASES before pypinyin is imported
from taizhang.pure import names
from taizhang.pure.names import fold_name, pinyin_key


def _pypinyin_key(name: str) -> str:
    from pypinyin import lazy_pinyin

    folded = fold_name(name)
    return "".join(lazy_pinyin(folded, errors="ignore"))[:200] if folded else ""


def test_every_character_of_the_table_reads_as_pypinyin_reads_it():
    from pypinyin import lazy_pinyin

    index, syllables, first = names._pinyin_readings()
    read = {chr(first + offset): syllables[n] for offset, n in enumerate(index) if n}
    assert len(read) > 40_000
    for char, syllable in read.items():
        assert lazy_pinyin(char, errors="ignore") == [syllable], char


@pytest.mark.parametrize("seed", range(3))
def test_random_names_get_the_same_key_as_from_pypinyin(seed):
    rng = random.Random(seed)
    index, _syllables, first = names._pinyin_readings()
    han = [chr(first + offset) for offset, n in enumerate(index) if n]
    other = "abcXYZ019 ·-_（）ａｂ１éß𝔸😀ㄅⅫ〆々〇國龍鐘鬱"
    for _ in range(2_000):
        name = "".join(
            rng.choice(han) if rng.random() < 0.7 else rng.choice(other) for _ in range(rng.randint(1, 12))
        )
        names.pinyin_key.cache_clear()
        assert pinyin_key(name) == _pypinyin_key(name), name
    # Code points around the table's ends and outside it.
    for code in [0, 0x2FFF, first - 1, first, first + len(index) - 1, first + len(index), sys.maxunicode]:
        if not 0xD800 <= code <= 0xDFFF:
            assert pinyin_key(f"张{chr(code)}三") == _pypinyin_key(f"张{chr(code)}三")


def test_names_read_the_table_without_loading_pypinyin():
    import subprocess

    probe = (
        "import sys; from taizhang.pure.names import pinyin_key; "
        "assert pinyin_key('張 三') == 'zhangsan'; assert 'pypinyin' not in sys.modules, 'pypinyin loaded'"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)
