"""`taizhang text clean` and `taizhang text figures`: plain and --json output with the exact keys."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.fixture
def damaged(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("召開領(lǐng)導(dǎo)小組全體(擴大)會議,開展?jié)L動排查(名單附后)。", encoding="utf-8")
    return path


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "figures.txt"
    path.write_text(
        "今年以来，全市共打掉涉黑组织5个，抓获犯罪嫌疑人23.7万人，查封扣押冻结涉案资产1267.75亿元。"
    )
    return path


def test_clean_plain(damaged, capsys):
    call_command("text", "clean", str(damaged))
    out = capsys.readouterr().out
    assert "領導小組全體(擴大)會議" in out or "領導小組全體（擴大）會議" in out
    assert "lǐng" not in out
    assert "(名單附后)" in out or "（名單附后）" in out


def test_clean_json_keys(damaged, capsys):
    call_command("text", "clean", str(damaged), "--json")
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"text", "annotations_removed", "suspect_spans", "script"}
    assert payload["annotations_removed"] == 2
    assert payload["script"] == "traditional"
    assert payload["suspect_spans"]
    assert set(payload["suspect_spans"][0]) == {"start", "end", "text"}
    span = payload["suspect_spans"][0]
    assert payload["text"][span["start"] : span["end"]] == span["text"]


def test_clean_to_simplified(damaged, capsys):
    call_command("text", "clean", str(damaged), "--to", "simplified")
    assert "领导小组" in capsys.readouterr().out


def test_figures_plain(report, capsys):
    call_command("text", "figures", str(report))
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split("\t")[:3] == ["orgs.mafia", "5", "个"]


def test_figures_json_keys(report, capsys):
    call_command("text", "figures", str(report), "--json")
    figures = json.loads(capsys.readouterr().out)
    assert all(set(f) == {"indicator", "value", "unit", "approx", "text", "start", "end"} for f in figures)
    by_code = {f["indicator"]: f for f in figures}
    assert by_code["orgs.mafia"]["value"] == 5
    assert by_code["police.suspects_caught"]["value"] == 237000
    assert by_code["assets.seized"]["value"] == 126775000000
    assert by_code["assets.seized"]["unit"] == "元"


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("text", "figures", str(tmp_path / "nope.txt"))
