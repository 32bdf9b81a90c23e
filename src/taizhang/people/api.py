"""JSON API of people: search, one entity and its graph — the same read side (and visibility) as the pages."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from taizhang.people import reading
from taizhang.people.permissions import may_use

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]

router = Router(tags=["people"])


class EntityRow(Schema):
    id: int
    name: str
    kind: str
    clues: int
    cases: int


class Record(Schema):
    number: str
    roles: list[str]


class EntityOut(Schema):
    id: int
    name: str
    names: list[str]
    kind: str
    employers: list[str]
    posts: list[str]
    clues: list[Record]
    cases: list[Record]
    relations: list[dict[str, Any]]


class GraphFilter(Schema):
    depth: Annotated[int, Field(ge=1, le=3)] = 1
    kinds: list[str] = []


def _require(request: HttpRequest) -> None:
    if not may_use(request.user):
        raise Http404()


@router.get("/entities", response=list[EntityRow], summary="人员与组织（按姓名、拼音、证件或电话检索）")
def entities(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    _require(request)
    return reading.search(request.user, q[:60])


@router.get("/entities/{entity_id}", response=EntityOut, summary="人员/组织详情（仅含本人可见的记录）")
def entity(request: HttpRequest, entity_id: Id) -> dict[str, Any]:
    _require(request)
    page = reading.entity_page(request.user, entity_id)
    if page is None:
        raise Http404()
    return {
        "id": entity_id,
        "name": page.name,
        "names": page.names,
        "kind": page.entity.kind,
        "employers": page.employers,
        "posts": page.posts,
        "clues": [{"number": c["clue"].number, "roles": c["roles"]} for c in page.clues],
        "cases": [{"number": c["case"].number, "roles": c["roles"]} for c in page.cases],
        "relations": [
            {
                "kind": r["relation"].kind,
                "other_id": r["other_id"],
                "other_name": r["other_name"],
                "record": r["record"].number,
            }
            for r in page.relations
        ],
    }


@router.get("/entities/{entity_id}/graph", summary="关系图（节点、关系）")
def graph(request: HttpRequest, entity_id: Id, filters: Query[GraphFilter]) -> dict[str, Any]:
    _require(request)
    found = reading.graph(request.user, entity_id, depth=filters.depth, kinds=set(filters.kinds) or None)
    if found is None:
        raise Http404()
    return found
