"""A drill-down link never hides its own filter: every parameter a figure's link applies is shown in the
ledger's filter form (or, for 办理状态, as the active tab), and submitting the form with one more filter
(类别=涉黑) keeps every one of them."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from taizhang.clues.choices import Category, ClueStatus
from taizhang.clues.filters import ClueFilterForm
from taizhang.reports import dashboard, measures
from taizhang.reports.periods import Period

# Not filters: the page number and the page size are not carried by the form.
NOT_FILTERS = {"page", "per"}


class FilterForm(HTMLParser):
    """The controls of the ledger's GET filter form (class tz-filter) and the active status tabs."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.controls: list[dict[str, Any]] = []
        self.select: dict[str, Any] | None = None
        self.active_tabs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "nav-link" in a.get("class", "") and "active" in a.get("class", "").split():
            self.active_tabs.append(a.get("href", ""))
        if tag == "form" and "tz-filter" in a.get("class", ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            self.controls.append(
                {
                    "name": a["name"],
                    "type": a.get("type", "text"),
                    "value": a.get("value", ""),
                    "checked": "checked" in a,
                }
            )
        elif tag == "select" and a.get("name"):
            self.select = {"name": a["name"], "type": "select", "value": None, "first": None}
            self.controls.append(self.select)
        elif tag == "option" and self.select is not None:
            if self.select["first"] is None:
                self.select["first"] = a.get("value", "")
            if "selected" in a:
                self.select["value"] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        if tag == "form":
            self.inside = False

    def submitted(self) -> list[tuple[str, str]]:
        """What the browser sends when the form is submitted as it is shown."""
        out = []
        for c in self.controls:
            if c["type"] == "checkbox":
                if c["checked"]:
                    out.append((c["name"], c["value"] or "on"))
            elif c["type"] == "select":
                value = c["value"] if c["value"] is not None else c["first"]
                if value:
                    out.append((c["name"], value))
            elif c["type"] not in ("submit", "button") and c["value"]:
                out.append((c["name"], c["value"]))
        return out

    def shows(self, name: str, value: str) -> bool:
        """A visible control (not a hidden input) holds the value."""
        for c in self.controls:
            if c["name"] != name or c["type"] == "hidden":
                continue
            if c["type"] == "checkbox" and c["checked"] and value in ("1", "on", "true"):
                return True
            if c["type"] != "checkbox" and (c["value"] or "") == value:
                return True
        return False


def drill_links(world: Any) -> list[str]:
    """The ledger links the office's figures open: every catalogue measure and every dashboard element."""
    city = world.units["city"]
    period = Period.parse("quarter", "2026-Q1")
    links = []
    for code in measures.MEASURES:
        figure = measures.figure(
            code,
            dict.fromkeys(("received", "concluded", "substantiated", "received_concluded", "overdue"), 0),
            period.start,
            period.end,
            {"office": city.pk},
        )
        links.append(figure["url"])
    data = dashboard.dashboard_data(world.people["office_leader"], city, period)
    links += [c["url"] for c in data["cards"]]
    for key in ("by_channel", "by_category", "by_status", "by_sector"):
        links += [i["url"] for i in data[key] if i["url"]]
    links += [m["url"] for m in data["monthly"]["concluded"][:1] + data["monthly"]["received"][:1]]
    for row in data["units"]:
        links += [row["received_url"], row["received_concluded_url"], row["overdue_url"]]
    links.append(f"/clues/?office={city.pk}&status={ClueStatus.VERIFYING}&umbrella=1&sector=1")
    return sorted(set(links))


@pytest.mark.django_db
def test_every_filter_field_has_a_visible_control(world):
    page = FilterForm()
    page.feed(world.client_for("office_leader").get("/clues/").content.decode())
    visible = {c["name"] for c in page.controls if c["type"] != "hidden"}
    # 办理状态 is chosen with the tabs above the form (and carried in the form as hidden inputs).
    missing = set(ClueFilterForm.base_fields) - visible - NOT_FILTERS - {"status"}
    assert not missing, f"filters without a control in the form: {sorted(missing)}"


@pytest.mark.django_db
def test_a_drill_down_shows_its_filters_and_keeps_them_when_another_is_added(world, ledger):
    client = world.client_for("office_leader")
    links = drill_links(world)
    assert any("concluded_from" in link for link in links)
    for link in links:
        params = parse_qs(urlparse(link).query)
        page = FilterForm()
        page.feed(client.get(link).content.decode())
        for name, values in params.items():
            if name == "status":
                assert any(f"status={values[0]}" in href for href in page.active_tabs), link
                continue
            assert page.shows(name, values[0]), (link, name)
        # Add 类别=涉黑 as a person would (choose it in the form and press 筛选): nothing else is dropped.
        sent = [(k, v) for k, v in page.submitted() if k != "category"] + [("category", Category.MAFIA)]
        kept = parse_qs(urlencode(sent))
        for name, values in params.items():
            if name != "category":
                assert sorted(kept.get(name, [])) == sorted(values), (link, name, kept)
