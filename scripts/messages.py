#!/usr/bin/env python3
"""Refresh the translation catalogues: Simplified Chinese is the source language (the msgids).

- zh_Hant is generated from every msgid with OpenCC's plain s2t (mainland Traditional: 信息 stays 信息, 审核 is
  not turned into Taiwan's 稽核), so it is always complete.
- en is filled from scripts/en_glossary.tsv (msgid<TAB>English); entries without a translation fall back to the
  Simplified Chinese text, and so do msgmerge's fuzzy guesses for msgids the glossary lacks (they are emptied).
- Both are compiled to .mo, which is committed so `make run` needs no gettext tools.
Needs xgettext/msgfmt (Debian package gettext) only when the strings changed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import opencc
import polib

# Traditional characters with the mainland's vocabulary (not s2twp, which swaps in Taiwan's words).
OPENCC_CONFIG = "s2t"

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "taizhang"
LOCALE = PACKAGE / "locale"


def _glossary() -> dict[str, str]:
    path = ROOT / "scripts" / "en_glossary.tsv"
    pairs: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "\t" in line and not line.startswith("#"):
                zh, en = line.split("\t", 1)
                pairs[zh] = en
    return pairs


def settle_fuzzy(entry: polib.POEntry, lang: str, glossary: dict[str, str]) -> None:
    """Drop the fuzzy flag; in English also msgmerge's guess unless the glossary supplied the text.

    A fuzzy msgstr is msgmerge's guess from a similar msgid, often wrong ("回访" had become "Recused"); kept
    without the flag it would pass for a translation. Emptied, the Chinese shows until the glossary has English.
    """
    if "fuzzy" not in entry.flags:
        return
    if lang == "en" and entry.msgid not in glossary:
        entry.msgstr = ""
        entry.msgstr_plural = {0: "", 1: ""} if entry.msgid_plural else {}
    entry.flags.remove("fuzzy")
    entry.previous_msgid = entry.previous_msgid_plural = None


def main() -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "taizhang.settings"}
    env.setdefault("TAIZHANG_VAR_DIR", str(ROOT / "var"))
    for domain in ("django", "djangojs"):
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hant", "-l", "en", "-d", domain,
             "--no-location", "--no-obsolete", "-i", "static/vendor/*"],
            cwd=PACKAGE, env=env, check=True,
        )
    converter = opencc.OpenCC(OPENCC_CONFIG)
    glossary = _glossary()
    for po_path in LOCALE.glob("*/LC_MESSAGES/*.po"):
        catalogue = polib.pofile(str(po_path))
        lang = po_path.parent.parent.name
        for entry in catalogue:
            if lang == "zh_Hant":
                entry.msgstr = converter.convert(entry.msgid)
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: converter.convert(entry.msgid_plural)}
            elif lang == "en" and entry.msgid in glossary:
                english = glossary[entry.msgid]
                if entry.msgid_plural:
                    # The glossary writes "one || many" for a plural message.
                    one, _sep, many = english.partition(" || ")
                    entry.msgstr_plural = {0: one, 1: many or one}
                else:
                    entry.msgstr = english
            settle_fuzzy(entry, lang, glossary)
        catalogue.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        catalogue.save()
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
        done = sum(1 for e in catalogue if e.msgstr or any(e.msgstr_plural.values()))
        print(f"{po_path.relative_to(ROOT)}: {done}/{len(catalogue)} translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
