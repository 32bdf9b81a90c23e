#!/usr/bin/env python3
"""Write src/taizhang/pure/opencc_t2s_triggers.txt: characters without which OpenCC's t2s changes nothing.

    PYTHONPATH=src .venv/bin/python scripts/opencc_triggers.py

OpenCC's t2s replaces only what one of its dictionaries' keys matches (its config's normalization and
conversion chain), so a text holding no key leaves it unchanged. The table holds every one-character key and,
of each longer key holding none of those, its last character: every key holds one of them, and a text holding
none comes back as it went in. pure/script.py returns such a text (almost every Simplified text: the ledger's)
without loading OpenCC's dictionaries (2.4 MiB per server process). tests/pure/test_opencc_triggers.py checks
the table against the installed OpenCC; regenerate it when OpenCC is upgraded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "src" / "taizhang" / "pure" / "opencc_t2s_triggers.txt"
CONFIG = "t2s"


def _dictionary_files(node: Any) -> Iterator[str]:
    """The ocd2 files a config names (its normalization and conversion chain, groups included)."""
    if isinstance(node, dict):
        if node.get("type") == "ocd2":
            yield node["file"]
        for value in node.values():
            yield from _dictionary_files(value)
    elif isinstance(node, list):
        for value in node:
            yield from _dictionary_files(value)


def keys() -> list[str]:
    """Every key of the dictionaries of OpenCC's t2s config, as its own opencc_dict writes them out."""
    import opencc

    clib = Path(opencc.__file__).resolve().parent / "clib"
    share = clib / "share" / "opencc"
    config = json.loads((share / f"{CONFIG}.json").read_text(encoding="utf-8"))
    found = []
    with tempfile.TemporaryDirectory() as folder:
        for name in _dictionary_files({k: v for k, v in config.items() if k != "segmentation"}):
            text = Path(folder) / f"{name}.txt"
            opencc_dict = str(clib / "bin" / "opencc_dict")
            command = [opencc_dict, "-i", str(share / name), "-o", str(text), "-f", "ocd2", "-t", "text"]
            subprocess.run(command, check=True)
            found += [
                line.split("\t", 1)[0] for line in text.read_text(encoding="utf-8").splitlines() if line
            ]
    return found


def triggers(all_keys: list[str]) -> str:
    """One-character keys, and the last character of each longer key that holds none of them."""
    chosen = {key for key in all_keys if len(key) == 1}
    for key in all_keys:
        if not chosen.intersection(key):
            chosen.add(key[-1])
    return "".join(sorted(chosen))


def main() -> None:
    table = triggers(keys())
    TABLE.write_text(table + "\n", encoding="utf-8")
    print(f"{TABLE}: {len(table)} characters")


if __name__ == "__main__":
    sys.exit(main())
