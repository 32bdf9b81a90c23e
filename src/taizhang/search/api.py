"""JSON API of search: /api/search/?q= and /api/search/duplicates (both through the visibility rule)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from taizhang.core.errors import PermissionRefused
from taizhang.org.visibility import scope_of
from taizhang.search import duplicates
from taizhang.search.query import search
from taizhang.search.sources import source_for
from taizhang.search.views import MAX_QUERY, OFFICE_ROLES

router = Router(tags=["search"])


class HitOut(Schema):
    model: str
    object_id: int
    url: str
    title_html: str
    snippet_html: str
    rank: float


class DuplicateIn(Schema):
    facts: str = ""
    subject_names: list[str] = []
    subject_units: list[str] = []
    phones: list[str] = []
    id_fragments: list[str] = []
    clue: int | None = None


class CandidateOut(Schema):
    clue_id: int
    number: str
    summary: str
    reasons: list[str]
    similarity: float
    linked: bool


@router.get("/", response=list[HitOut])
def search_all(request: HttpRequest, q: str, model: str = "", limit: int = 20) -> list[HitOut]:
    """Search what the caller may see; `model` (e.g. clues.clue) narrows to one kind of record."""
    groups = search(
        request.user,
        q[:MAX_QUERY],
        models=[model] if source_for(model) else None,
        limit=max(1, min(limit, 100)),
    )
    return [
        HitOut(
            model=h.model,
            object_id=h.object_id,
            url=h.url,
            title_html=str(h.title_html),
            snippet_html=str(h.snippet_html),
            rank=h.rank,
        )
        for g in groups
        for h in g.hits
    ]


@router.post("/duplicates", response=list[CandidateOut])
def duplicate_candidates(request: HttpRequest, payload: DuplicateIn) -> list[CandidateOut]:
    """Candidates for a clue being registered (office staff), with the reasons."""
    scope = scope_of(request.user)
    if not (scope and scope.office_path and scope.has(*OFFICE_ROLES)):
        raise PermissionRefused()
    units = payload.subject_units + [""] * (len(payload.subject_names) - len(payload.subject_units))
    probe = duplicates.Probe(
        facts=payload.facts,
        subjects=[(n, u) for n, u in zip(payload.subject_names, units, strict=False) if n.strip()],
        phones=payload.phones,
        id_fragments=payload.id_fragments,
    )
    return [
        CandidateOut(
            clue_id=c.clue.pk,
            number=c.clue.number,
            summary=c.clue.summary,
            reasons=c.reasons,
            similarity=c.similarity,
            linked=c.linked,
        )
        for c in duplicates.candidates(request.user, probe, exclude_id=payload.clue)
    ]
