"""繁體 keeps the mainland's words: the catalogue script converts with OpenCC's plain s2t, not Taiwan's s2twp."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import opencc

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "messages.py"


def test_messages_script_uses_plain_s2t() -> None:
    spec = importlib.util.spec_from_file_location("tz_messages_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    converter = opencc.OpenCC(module.OPENCC_CONFIG)
    converted = converter.convert("审核信息，查看消息")
    for taiwan_word in ("稽核", "資訊", "訊息"):
        assert taiwan_word not in converted
    assert "信息" in converted and "消息" in converted
