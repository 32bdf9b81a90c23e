"""Text that OpenCC's t2s cannot change comes back without OpenCC (pure/script.py, the trigger table).

Every key of t2s's dictionaries holds a character of pure/opencc_t2s_triggers.txt, so a text holding none of
them is left as it is; the server then never loads OpenCC's dictionaries for the ledger's Simplified text. The
table must be the one the installed OpenCC gives, and to_simplified must answer what OpenCC answers.
"""

from __future__ import annotations

import importlib.util
import random
import shutil
from pathlib import Path

import opencc
import pytest

from taizhang.pure import script

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "opencc_triggers.py"


def _generator():
    spec = importlib.util.spec_from_file_location("tz_opencc_triggers", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _table() -> str:
    return script._T2S_TRIGGERS.read_text(encoding="utf-8").strip()


@pytest.mark.skipif(
    not (Path(opencc.__file__).parent / "clib" / "bin" / "opencc_dict").exists()
    and not shutil.which("opencc_dict"),
    reason="OpenCC's opencc_dict is not installed beside it",
)
def test_the_table_is_the_installed_openccs_and_every_key_holds_one_of_its_characters():
    generator = _generator()
    keys = generator.keys()
    assert len(keys) > 5000
    assert _table() == generator.triggers(keys)
    table = set(_table())
    assert all(table.intersection(key) for key in keys)


def _random_texts(rng: random.Random, alphabet: str, count: int) -> list[str]:
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(count)]


def test_to_simplified_answers_as_opencc_with_and_without_the_table():
    rng = random.Random(25)
    table = _table()
    han = [chr(code) for code in range(0x4E00, 0xA000)] + [chr(code) for code in range(0x3400, 0x3500)]
    quiet = "".join(char for char in han if char not in table) + "abcXYZ 019，。、：；“”！？（）\n\t-_/@"
    t2s = script.converter("t2s")
    # Text without a trigger: OpenCC leaves it as it is, and so does to_simplified.
    for text in _random_texts(rng, quiet, 3000):
        assert t2s.convert(text) == text
        assert script.to_simplified(text) == text
    # Text with one: to_simplified is OpenCC's answer.
    noisy = quiet + table[:: max(1, len(table) // 800)] + "著乾於隻佔這個團夥強揽"
    for text in _random_texts(rng, noisy, 3000):
        assert script.to_simplified(text) == t2s.convert(text)
    assert script.to_simplified("這個團夥強佔集體土地") == "这个团伙强占集体土地"
    assert script.to_simplified("\U00020b9f字") == t2s.convert("\U00020b9f字")


def test_simplified_text_does_not_load_openccs_dictionaries():
    script.converter.cache_clear()
    assert script.to_simplified("群众来信反映某某团伙强揽工程。") == "群众来信反映某某团伙强揽工程。"
    assert script.converter.cache_info().currsize == 0
    assert script.to_simplified("團夥") == "团伙"
    assert script.converter.cache_info().currsize == 1
