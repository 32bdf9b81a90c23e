"""Tests for the file-reading functions behind the text CLI commands."""

from __future__ import annotations

import json
from pathlib import Path

from taizhang.pure.cli_text import read_text, run_clean, run_figures

REPORT = "領(lǐng)導(dǎo)小組會議指出,打掉涉黑組織5個;抓獲犯罪嫌疑人3萬余人。開展?jié)L動排查。"


def test_read_text_encodings(tmp_path: Path) -> None:
    for encoding in ("utf-8", "utf-8-sig", "gb18030"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes("扫黑除恶专项斗争".encode(encoding))
        assert read_text(path) == "扫黑除恶专项斗争"


def test_read_docx(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("打掉涉黑组织5个。")
    path = tmp_path / "report.docx"
    document.save(str(path))
    assert "打掉涉黑组织5个" in read_text(path)


def test_run_clean_json(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    data = json.loads(run_clean(path, "simplified", as_json=True))
    assert set(data) == {"text", "annotations_removed", "suspect_spans", "script"}
    assert data["text"].startswith("领导小组会议指出，打掉涉黑组织5个；")
    assert data["annotations_removed"] == 2
    assert data["script"] == "traditional"
    assert [set(s) for s in data["suspect_spans"]] == [{"start", "end", "text"}]
    span = data["suspect_spans"][0]
    assert data["text"][span["start"] : span["end"]] == span["text"]
    assert run_clean(path, None, as_json=False).startswith("領導小組會議指出，")


def test_run_figures(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT.encode("gb18030", errors="replace"))
    data = json.loads(run_figures(path, as_json=True))
    assert [(d["indicator"], d["value"], d["unit"], d["approx"]) for d in data] == [
        ("orgs.mafia", 5, "个", False),
        ("police.suspects_caught", 30000, "人", True),
    ]
    assert set(data[0]) == {"indicator", "value", "unit", "approx", "text", "start", "end"}
    assert run_figures(path).splitlines()[0].startswith("orgs.mafia\t5\t个")
