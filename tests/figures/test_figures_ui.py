"""Figures from text: paste/upload → review (sentence marked, escaped) → apply only what the person confirmed."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from taizhang.figures import views
from taizhang.figures.reading import entered_values
from taizhang.reports import actions as report_actions

pytestmark = pytest.mark.django_db

REPORT = "今年以来，全市打掉涉黑组织5个。检察机关批捕涉黑涉恶犯罪嫌疑人120件356人；<b>注意</b>抓获犯罪嫌疑人近300人。"


@pytest.fixture
def reports_actions(monkeypatch):
    """Stands in for the reports app's two actions and records what they were asked to write."""
    calls: list[tuple[str, dict]] = []

    def do_fill_entered_indicators(report_id, *, actor, values):
        calls.append(("fill", {"report_id": report_id, "actor": actor, "values": values}))

    def do_record_legacy_figures(*, actor, unit, period_start, period_end, source, figures):
        calls.append(
            (
                "legacy",
                {"actor": actor, "unit": unit, "start": period_start, "source": source, "figures": figures},
            )
        )

    monkeypatch.setattr(report_actions, "do_fill_entered_indicators", do_fill_entered_indicators)
    monkeypatch.setattr(report_actions, "do_record_legacy_figures", do_record_legacy_figures)
    monkeypatch.setattr(views, "_draft_reports", lambda request: [(7, "2026年10月信息月报")])
    return calls


def _review_post(figures, **target):
    data = {"fig-TOTAL_FORMS": str(len(figures)), "fig-INITIAL_FORMS": str(len(figures))}
    for i, f in enumerate(figures):
        for key, value in f.items():
            if value is not False:
                data[f"fig-{i}-{key}"] = value
    data.update(target)
    return data


ARRESTS = {"keep": "on", "indicator": "procuratorate.arrests", "value": "120", "unit": "件", "text": "120件"}
ARRESTED_PERSONS = {**ARRESTS, "value": "356", "unit": "人", "text": "356人"}
MAFIA = {"keep": "on", "indicator": "orgs.mafia", "value": "5", "unit": "个", "text": "5个"}


def test_paste_shows_figures_with_sentence_marked_and_escaped(world):
    response = world.client_for("liaison").post(reverse("figures:index"), {"text": REPORT})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<mark>5个</mark>" in body
    assert "<mark>120件</mark>" in body and "<mark>356人</mark>" in body
    assert "&lt;b&gt;注意&lt;/b&gt;" in body and "<b>注意</b>" not in body
    assert 'value="procuratorate.arrests" selected' in body


def test_upload_docx(world):
    import docx

    document = docx.Document()
    document.add_paragraph("全市共打掉涉黑組織5個，惡勢力犯罪集團12個。")
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile("report.docx", buffer.getvalue())
    response = world.client_for("office_staff").post(reverse("figures:index"), {"file": upload})
    body = response.content.decode()
    assert "<mark>5个</mark>" in body and "<mark>12个</mark>" in body


def test_other_file_types_are_refused(world):
    upload = SimpleUploadedFile("report.pdf", b"%PDF")
    response = world.client_for("office_staff").post(reverse("figures:index"), {"file": upload})
    assert "只支持" in response.content.decode()


def test_apply_to_report_uses_the_reviewed_figures_only(world, reports_actions):
    corrected = {**MAFIA, "value": "6"}
    dropped = {**ARRESTS, "indicator": "police.suspects_caught", "keep": False}
    data = _review_post([corrected, ARRESTS, ARRESTED_PERSONS, dropped], target="report", report="7")
    response = world.client_for("liaison").post(reverse("figures:apply"), data)
    assert response.status_code == 302
    [(kind, call)] = reports_actions
    assert kind == "fill" and call["report_id"] == 7 and call["actor"] == world.people["liaison"]
    assert call["values"] == {
        "orgs.mafia": {"value": Decimal("6"), "persons": None},
        "procuratorate.arrests": {"value": Decimal("120"), "persons": 356},
    }


def test_apply_to_legacy_record_for_own_unit(world, reports_actions):
    data = _review_post(
        [MAFIA], target="legacy", period_start="2025-01-01", period_end="2025-12-31", source="2025年工作总结"
    )
    response = world.client_for("office_staff").post(reverse("figures:apply"), data)
    assert response.status_code == 302
    [(kind, call)] = reports_actions
    assert kind == "legacy" and call["unit"] == world.units["city"] and call["source"] == "2025年工作总结"
    assert call["figures"][0]["indicator"] == "orgs.mafia" and call["figures"][0]["value"] == Decimal("5")


def test_nothing_applied_without_confirmation(world, reports_actions):
    world.client_for("liaison").post(reverse("figures:index"), {"text": REPORT})
    assert reports_actions == []
    data = _review_post([{**MAFIA, "keep": False}], target="report", report="7")
    response = world.client_for("liaison").post(reverse("figures:apply"), data)
    assert response.status_code == 400
    assert reports_actions == []


def test_legacy_needs_period_and_source(world, reports_actions):
    response = world.client_for("liaison").post(
        reverse("figures:apply"), _review_post([MAFIA], target="legacy")
    )
    assert response.status_code == 400
    assert reports_actions == []


def test_sentence_coming_back_from_the_browser_is_escaped(world, reports_actions):
    tampered = {**MAFIA, "sentence": "<img src=x>打掉涉黑组织5个", "indicator": "nope"}
    response = world.client_for("liaison").post(
        reverse("figures:apply"), _review_post([tampered], target="report")
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "&lt;img src=x&gt;打掉涉黑组织<mark>5个</mark>" in body


def test_entered_values_pair_cases_and_persons():
    values = entered_values(
        [
            {"indicator": "court.first_instance_judged", "value": 3, "unit": "件"},
            {"indicator": "court.first_instance_judged", "value": 17, "unit": "人"},
            {"indicator": "police.suspects_caught", "value": 300, "unit": "人"},
        ]
    )
    assert values == {
        "court.first_instance_judged": {"value": Decimal(3), "persons": 17},
        "police.suspects_caught": {"value": Decimal(300), "persons": None},
    }


@pytest.mark.parametrize("persona", ["handler", "group_member", "discipline_leader", "police_leader"])
def test_forbidden_roles(world, persona):
    client = world.client_for(persona)
    assert client.get(reverse("figures:index")).status_code == 403
    assert client.post(reverse("figures:apply"), _review_post([MAFIA], target="report")).status_code == 403


def test_allowed_roles_see_the_form(world):
    for persona in ("office_staff", "liaison", "other_liaison", "district_staff"):
        assert world.client_for(persona).get(reverse("figures:index")).status_code == 200


def test_anonymous(client):
    assert client.get(reverse("figures:index")).status_code == 302
    assert client.post(reverse("figures:apply")).status_code == 302


def test_home_panel_links_for_allowed_roles_only(world):
    assert reverse("figures:index") in world.client_for("liaison").get("/").content.decode()
    assert reverse("figures:index") not in world.client_for("handler").get("/").content.decode()


def test_apply_to_legacy_record_with_the_real_reports_app(world):
    from taizhang.reports.models import LegacyFigure, LegacyFigureRecord

    data = _review_post(
        [MAFIA, ARRESTS, ARRESTED_PERSONS],
        target="legacy",
        period_start="2025-01-01",
        period_end="2025-12-31",
        source="2025年工作总结",
    )
    response = world.client_for("liaison").post(reverse("figures:apply"), data)
    assert response.status_code == 302
    record = LegacyFigureRecord.objects.get()
    assert record.unit == world.units["transport"] and record.recorded_by == world.people["liaison"]
    got = sorted(
        (f.indicator.code, f.value, f.unit_label) for f in LegacyFigure.objects.filter(record=record)
    )
    assert got == [
        ("orgs.mafia", Decimal(5), "个"),
        ("procuratorate.arrests", Decimal(120), "件"),
        ("procuratorate.arrests", Decimal(356), "人"),
    ]
