#!/usr/bin/env python3
"""Write src/taizhang/pure/pinyin_first.txt: each character's first toneless pinyin reading, as pypinyin gives it.

    PYTHONPATH=src .venv/bin/python scripts/pinyin_table.py

Name keys (pure/names.py `pinyin_key`) read this table instead of loading pypinyin (11 MiB per process) in
the server. It holds exactly what `lazy_pinyin(ch, errors="ignore")` answers without the phrase dictionary, for
every code point that has an answer (one line per syllable: the syllable, a space, its characters), so the keys
stay the ones stored before. tests/people/test_pinyin_table.py checks the table against pypinyin. Regenerate
it only together with a migration recomputing the stored keys (as people migration 0003 did).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import taizhang  # noqa: E402, F401 - sets PYPINYIN_NO_PHRASES before pypinyin is imported

TABLE = ROOT / "src" / "taizhang" / "pure" / "pinyin_first.txt"


def readings() -> dict[str, str]:
    """Every character pypinyin reads, with its first toneless reading."""
    from pypinyin import lazy_pinyin

    found = {}
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue  # surrogates are not characters
        answer = lazy_pinyin(chr(code), errors="ignore")
        if answer:
            if len(answer) != 1 or not answer[0].isascii() or " " in answer[0]:
                raise SystemExit(f"unexpected reading of U+{code:04X}: {answer!r}")
            found[chr(code)] = answer[0]
    return found


def main() -> None:
    by_syllable: dict[str, list[str]] = defaultdict(list)
    for char, syllable in readings().items():
        by_syllable[syllable].append(char)
    lines = [f"{syllable} {''.join(chars)}" for syllable, chars in sorted(by_syllable.items())]
    TABLE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{TABLE}: {sum(map(len, by_syllable.values()))} characters, {len(lines)} syllables")


if __name__ == "__main__":
    main()
