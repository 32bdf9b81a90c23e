"""Search pages: the staff search box, duplicate candidates (htmx fragment) and the link/merge actions."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.core.params import as_id
from taizhang.org.actors import acting
from taizhang.org.choices import RoleCode
from taizhang.org.visibility import scope_of
from taizhang.search import duplicates
from taizhang.search.query import TOTAL_CAP, search
from taizhang.search.sources import source_for

MAX_QUERY = 100
PAGE_SIZE = 20
# Ranking reads at most query.RANK_WINDOW (400) visible matches: 20 pages of 20.
MAX_PAGES = 20
OFFICE_ROLES = (RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER)


def _require_office(request: HttpRequest) -> None:
    scope = scope_of(request.user)
    if not (scope and scope.office_path and scope.has(*OFFICE_ROLES)):
        raise PermissionDenied


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The search page: one box over clues, cases and rectification items, through the visibility rule."""
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    model = request.GET.get("model", "")
    raw_page = request.GET.get("page", "1")
    page = max(1, min(int(raw_page) if raw_page.isdigit() else 1, MAX_PAGES))
    models = [model] if source_for(model) else None
    groups = search(request.user, q, models=models, limit=PAGE_SIZE * page) if q else []
    sections = []
    for group in groups:
        # Page n shows hits (n-1)*20+1 … n*20 of the best 20*n; the total is exact up to TOTAL_CAP.
        shown = group.hits[PAGE_SIZE * (page - 1) :]
        total = min(group.total, TOTAL_CAP)
        sections.append(
            {
                "group": group,
                "hits": shown,
                "first": PAGE_SIZE * (page - 1) + 1,
                "last": PAGE_SIZE * (page - 1) + len(shown),
                "total": total,
                "capped": group.total > TOTAL_CAP,
                "pages": min(max(-(-total // PAGE_SIZE), 1), MAX_PAGES),
                "more": group.more and page < MAX_PAGES,
            }
        )
    return render(
        request,
        "search/index.html",
        {
            "q": q,
            "sections": sections,
            "found": any(s["hits"] for s in sections),
            "model": model,
            "page": page,
            "next_page": page + 1,
            "previous_page": page - 1,
        },
    )


_SUBJECT_FIELD_RE = re.compile(
    r"^(?P<prefix>[\w]+-\d+)-(?P<field>name|unit_name|phone_fragment|id_fragment)$"
)


def probe_from(data: Any) -> duplicates.Probe:
    """Read a registration form in progress.

    Accepts the plain names (facts, subject_name/subject_unit paired by position, phone, id_fragment, all
    repeatable) and the ledger's subject formset fields as they are (<prefix>-<n>-name, -unit_name,
    -phone_fragment, -id_fragment), so the register form can send itself unchanged.
    """
    names = data.getlist("subject_name")
    units = data.getlist("subject_unit")
    units += [""] * (len(names) - len(units))
    subjects = [(n.strip(), u.strip()) for n, u in zip(names, units, strict=False) if n.strip()]
    phones = [p for p in data.getlist("phone") if p.strip()]
    ids = [p for p in data.getlist("id_fragment") if p.strip()]
    rows: dict[str, dict[str, str]] = {}
    for key in data:
        match = _SUBJECT_FIELD_RE.match(key)
        if match:
            rows.setdefault(match["prefix"], {})[match["field"]] = data.get(key, "").strip()
    for row in rows.values():
        if row.get("name"):
            subjects.append((row["name"], row.get("unit_name", "")))
        phones += [row["phone_fragment"]] if row.get("phone_fragment") else []
        ids += [row["id_fragment"]] if row.get("id_fragment") else []
    return duplicates.Probe(
        facts=data.get("facts", "")[:20000], subjects=subjects, phones=phones, id_fragments=ids
    )


@login_required
@require_http_methods(["GET", "POST"])
def duplicates_fragment(request: HttpRequest) -> HttpResponse:
    """Candidates for a clue being registered (htmx): the form's facts, subjects and phones in, a list out."""
    _require_office(request)
    data = request.POST if request.method == "POST" else request.GET
    exclude = data.get("clue", "")
    found = duplicates.candidates(request.user, probe_from(data), exclude_id=as_id(exclude))
    return render(request, "search/_candidates.html", {"candidates": found, "clue": None})


def _back(request: HttpRequest, clue_id: int) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    source = source_for("clues.clue")
    url = source.url(clue_id) if source else ""
    return redirect(url or "search:index")


def _other_id(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise ActionError("required", _("请选择要关联的线索。"))
    return int(value)


@login_required
@require_POST
def link(request: HttpRequest, clue_id: int) -> HttpResponse:
    """Link the clue with a candidate as related (the ledger's audited action)."""
    from taizhang.clues.actions import do_link_clues

    try:
        do_link_clues(
            clue_id, _other_id(request, "other"), actor=acting(request), note=request.POST.get("note", "")
        )
        messages.success(request, _("已关联线索。"))
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        refuse(request, exc.message)
    return _back(request, clue_id)


@login_required
@require_POST
def merge(request: HttpRequest, clue_id: int) -> HttpResponse:
    """Merge the duplicate clue into the one that carries the matter (串并); a person always decides."""
    from taizhang.clues.actions import do_merge_clue

    try:
        into = _other_id(request, "into")
        do_merge_clue(clue_id, into, actor=acting(request), note=request.POST.get("note", ""))
        messages.success(request, _("已将线索并入。"))
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        refuse(request, exc.message)
    return _back(request, clue_id)
