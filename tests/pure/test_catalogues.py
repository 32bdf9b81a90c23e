"""The English catalogue: complete, placeholders intact, the glossary's text, and no msgmerge guesses kept."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "messages.py"
EN_PO = ROOT / "src" / "taizhang" / "locale" / "en" / "LC_MESSAGES" / "django.po"

# %(name)s, %s, %% (python-format), {n} (brace format) and markup such as <span class="…">.
PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sdfr]|%[sdfr]|%%|\{[A-Za-z_0-9]*\}|<[^>]+>")


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("tz_messages_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _entries() -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(EN_PO)) if not e.obsolete]


def test_every_english_message_is_translated_and_not_fuzzy() -> None:
    missing = [
        e.msgid
        for e in _entries()
        if "fuzzy" in e.flags or not (all(e.msgstr_plural.values()) if e.msgid_plural else e.msgstr)
    ]
    assert missing == []


def test_english_keeps_every_placeholder_of_the_chinese() -> None:
    wrong = []
    for e in _entries():
        if e.msgid_plural:
            pairs = [(e.msgid, e.msgstr_plural[0]), (e.msgid_plural, e.msgstr_plural[1])]
        else:
            pairs = [(e.msgid, e.msgstr)]
        wrong += [(src, dst) for src, dst in pairs if _placeholders(src) != _placeholders(dst)]
    assert wrong == []


def test_the_catalogue_holds_the_glossary_text() -> None:
    """What scripts/messages.py writes on every refresh, so a refresh cannot change the English."""
    glossary = _script()._glossary()
    differ = []
    for e in _entries():
        english = glossary.get(e.msgid)
        if english is None:
            continue
        if e.msgid_plural:
            one, _sep, many = english.partition(" || ")
            if [e.msgstr_plural[0], e.msgstr_plural[1]] != [one, many or one]:
                differ.append(e.msgid)
        elif e.msgstr != english:
            differ.append(e.msgid)
    assert differ == []


@pytest.mark.parametrize("plural", [False, True])
def test_a_fuzzy_guess_is_emptied_in_english_only(plural: bool) -> None:
    settle = _script().settle_fuzzy

    def guessed() -> polib.POEntry:
        entry = polib.POEntry(msgid="回访", msgstr="Recused", flags=["fuzzy"], previous_msgid="回避")
        if plural:
            entry.msgid_plural, entry.msgstr, entry.msgstr_plural = "回访", "", {0: "Recused", 1: "Recused"}
        return entry

    english = guessed()
    settle(english, "en", {})
    assert "fuzzy" not in english.flags and english.previous_msgid is None
    assert english.msgstr == "" and not any(english.msgstr_plural.values())

    known = guessed()
    settle(known, "en", {"回访": "Follow-up call"})
    assert "fuzzy" not in known.flags
    assert known.msgstr_plural[0] == "Recused" if plural else known.msgstr == "Recused"

    traditional = guessed()
    settle(traditional, "zh_Hant", {})
    assert "fuzzy" not in traditional.flags
    assert traditional.msgstr_plural[0] == "Recused" if plural else traditional.msgstr == "Recused"
