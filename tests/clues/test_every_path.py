"""保护伞 clues and recusal through every path: list, counts, detail, export, API, home panel."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from taizhang.accounts.models import ApiToken
from taizhang.clues.actions import SubjectData


def _paths(world, key, clue):
    """What `key` sees of `clue` on each path, as a dict path -> bool."""
    client = world.client_for(key)
    listed = client.get(reverse("clues:list"))
    _t, secret = ApiToken.issue(world.people[key], "t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    api_list = api.get("/api/clues/").json()
    export = load_workbook(io.BytesIO(b"".join(client.get(reverse("clues:export")).streaming_content)))
    numbers = [row[1] for row in export.worksheets[0].iter_rows(min_row=2, values_only=True)]
    home = client.get(reverse("core:home"))
    panel_counts = [
        i["count"] for p in home.context["panels"] for i in p.get("items", []) if p.get("title") == "线索台账"
    ]
    return {
        "list": clue.number in listed.content.decode(),
        "counts": sum(
            t["count"]
            for t in client.get(reverse("clues:list"), {"fragment": "counts"}).context["status_tabs"]
        )
        > 0,
        "detail": client.get(reverse("clues:detail", args=[clue.pk])).status_code == 200,
        "export": clue.number in numbers,
        "api_list": any(i["id"] == clue.pk for i in api_list["items"]) and api_list["count"] > 0,
        "api_read": api.get(f"/api/clues/{clue.pk}").status_code == 200,
        "panel": sum(panel_counts) > 0,
    }


@pytest.mark.parametrize(
    ("key", "sees"),
    [
        ("office_leader", True),
        ("discipline_handler", True),
        ("office_staff", False),
        ("group_member", False),
        ("liaison", False),
        ("police_liaison", False),
    ],
)
def test_umbrella_clue_on_every_path(world, walk, key, sees):
    clue = walk.assigned(unit="discipline", umbrella=True)
    seen = _paths(world, key, clue)
    if key == "group_member":
        seen.pop("panel")  # a group member's panel counts what the office sees, which is nothing here
    assert seen == dict.fromkeys(seen, sees), seen


def test_recused_unit_sees_the_clue_on_no_path(world, walk):
    clue = walk.assigned(
        unit="transport",
        subjects=[SubjectData(name="某协管员", unit_name="测试市住建局")],
    )
    # construction is named: it sees nothing, even after having been given the clue in the past is impossible
    seen = _paths(world, "other_liaison", clue)
    assert seen == dict.fromkeys(seen, False), seen
    # the assigned unit and the office see it everywhere
    assert all(_paths(world, "liaison", clue).values())
    assert all(_paths(world, "office_staff", clue).values())
