"""People pages: the entity list, an entity's page and graph, merge proposals, the registration hint, leads.

Every figure and name comes from people/reading.py, which reads only the records the viewer may see.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from taizhang.cases.models import Case
from taizhang.clues.models import Clue
from taizhang.core import audit
from taizhang.core.access import page_rule
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.core.params import MAX_COUNT, MAX_ID, as_int
from taizhang.core.xlsx import xlsx_response
from taizhang.org.actors import acting
from taizhang.people import actions, reading
from taizhang.people.forms import GraphForm, RelationForm, graph_kinds
from taizhang.people.models import MergeRecord
from taizhang.people.permissions import may_decide, may_use

MAX_QUERY = 60
_NAME_FIELD_RE = re.compile(r"^(?P<prefix>[\w]+-\d+)-name$")


def may_see_entity(user: Any, pk: int) -> bool:
    """The entity's pages open only when a record the person sees names it (else 404, as for a missing id)."""
    return may_use(user) and 1 <= pk <= MAX_ID and reading.sees_entity(user, pk)


@login_required
@page_rule(may_use)
@require_GET
def entity_list(request: HttpRequest) -> HttpResponse:
    """Persons and organisations named in the records the person sees, searched by name, pinyin, ID or phone."""
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    rows = reading.search(request.user, q)
    return render(request, "people/list.html", {"q": q, "rows": rows, "may_decide": may_decide(request.user)})


@login_required
@page_rule(may_see_entity)
@require_GET
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One entity: the records naming it and its role in each, its relations (all from visible records)."""
    view = reading.entity_page(request.user, pk, page=as_int(request.GET.get("page"), 1, MAX_COUNT) or 1)
    if view is None:
        raise Http404()
    merges = []
    if may_decide(request.user) and view.every_record_seen:
        merges = list(MergeRecord.objects.filter(kept_id=pk, undone_at=None).order_by("-merged_at"))
    return render(
        request,
        "people/entity.html",
        {
            "view": view,
            "relation_form": RelationForm() if may_decide(request.user) else None,
            "merges": merges,
        },
    )


def _record_id(model: Any, user: Any, number: str) -> int | None:
    number = number.strip()
    if not number:
        return None
    pk = model.objects.visible_to(user).filter(number=number).values_list("pk", flat=True).first()
    if pk is None:
        raise ActionError("record", _("找不到编号为「%(n)s」的记录。") % {"n": number})
    return int(pk)


@login_required
@page_rule(may_decide)
@require_POST
def relation_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a relation from this entity to another, with the clue or case that states it."""
    if not may_see_entity(request.user, pk):
        raise Http404()
    form = RelationForm(request.POST)
    if not form.is_valid():
        refuse(request, _("请完整填写关系信息。"))
        return redirect("people:entity", pk=pk)
    data = form.cleaned_data
    try:
        actions.do_add_relation(
            pk,
            data["target"],
            actor=acting(request),
            kind=data["kind"],
            clue_id=_record_id(Clue, request.user, data["clue_number"]),
            case_id=_record_id(Case, request.user, data["case_number"]),
            note=data["note"],
        )
    except ActionError as exc:
        refuse(request, exc.message)
    else:
        messages.success(request, _("关系已录入。"))
    return redirect("people:entity", pk=pk)


def _graph_args(request: HttpRequest) -> dict[str, Any]:
    form = GraphForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return {
        "depth": data.get("depth") or 1,
        "kinds": set(data.get("kinds") or []) or None,
        "since": data.get("since"),
        "until": data.get("until"),
    }


@login_required
@page_rule(may_see_entity)
@require_GET
def graph_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The relationship graph around an entity (ECharts); its data comes from graph_data."""
    name = reading.display_names(request.user, [pk]).get(pk)
    if name is None:
        raise Http404()
    form = GraphForm(request.GET or None, initial={"depth": 1})
    query = request.GET.urlencode()
    return render(
        request,
        "people/graph.html",
        {"entity_id": pk, "name": name, "form": form, "query": query, "kinds": graph_kinds()},
    )


@login_required
@page_rule(may_see_entity)
@require_GET
def graph_data(request: HttpRequest, pk: int) -> JsonResponse:
    """Nodes and edges as JSON, for the graph page."""
    found = reading.graph(request.user, pk, **_graph_args(request))
    if found is None:
        raise Http404()
    # Clicking a node opens its graph with the same depth, period and relation types.
    kept = urlencode(
        [
            (k, v)
            for k, values in request.GET.lists()
            for v in values
            if k in ("depth", "since", "until", "kinds")
        ]
    )
    for node in found["nodes"]:
        node["url"] = reverse("people:graph", args=[node["id"]]) + (f"?{kept}" if kept else "")
        node["page"] = reverse("people:entity", args=[node["id"]])
    return JsonResponse(found)


@login_required
@page_rule(may_see_entity)
@require_GET
def graph_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The graph as .xlsx (nodes, then edges), through the one writer; the export is an audited read."""
    found = reading.graph(request.user, pk, **_graph_args(request))
    if found is None:
        raise Http404()
    names = {n["id"]: n["name"] for n in found["nodes"]}
    labels = dict(graph_kinds())
    rows: list[list[Any]] = [[_("节点"), "", "", ""], [_("编号"), _("姓名/名称"), _("层数"), _("记录数")]]
    rows += [[n["id"], n["name"], n["depth"], n["records"]] for n in found["nodes"]]
    rows += [[], [_("关系"), "", "", ""], [_("一方"), _("另一方"), _("关系类型"), _("记录数")]]
    rows += [
        [names.get(e["source"], ""), names.get(e["target"], ""), labels.get(e["kind"], ""), e["records"]]
        for e in found["edges"]
    ]
    audit.record(
        "people.graph_export",
        actor=request.user,
        object_type="people.entity",
        object_id=pk,
        after={"nodes": len(found["nodes"]), "edges": len(found["edges"])},
    )
    return xlsx_response(f"关系图-{pk}.xlsx", _("关系图"), [_("关系图"), "", "", ""], rows)


@login_required
@page_rule(may_decide)
@require_GET
def candidates(request: HttpRequest) -> HttpResponse:
    """Open merge proposals the person may decide, strongest first, each with its reasons."""
    qs = reading.reviewable_candidates(request.user).filter(status="open").order_by("-score", "pk")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    ids = {e for c in page for e in (c.first_id, c.second_id)}
    names = reading.display_names(request.user, ids)
    counts = reading.record_counts(request.user, ids)
    rows = [
        {
            "candidate": c,
            "first": {
                "id": c.first_id,
                "name": names.get(c.first_id, ""),
                "records": counts.get(c.first_id, 0),
            },
            "second": {
                "id": c.second_id,
                "name": names.get(c.second_id, ""),
                "records": counts.get(c.second_id, 0),
            },
        }
        for c in page
    ]
    return render(request, "people/candidates.html", {"rows": rows, "page": page})


@login_required
@page_rule(may_decide)
@require_POST
def candidate_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = actions.do_confirm_merge(pk, actor=acting(request))
    except ActionError as exc:
        if exc.status == 404:
            raise Http404() from exc
        refuse(request, exc.message)
        return redirect("people:candidates")
    messages.success(request, _("已合并。"))
    return redirect("people:entity", pk=record.kept_id)


@login_required
@page_rule(may_decide)
@require_POST
def candidate_reject(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        actions.do_reject_merge(pk, actor=acting(request), note=request.POST.get("note", ""))
    except ActionError as exc:
        if exc.status == 404:
            raise Http404() from exc
        refuse(request, exc.message)
    else:
        messages.success(request, _("已标记为不是同一对象。"))
    return redirect("people:candidates")


@login_required
@page_rule(may_decide)
@require_POST
def unmerge(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = actions.do_unmerge(pk, actor=acting(request), reason=request.POST.get("reason", ""))
    except ActionError as exc:
        if exc.status == 404:
            raise Http404() from exc
        refuse(request, exc.message)
        kept = MergeRecord.objects.filter(pk=pk).values_list("kept_id", flat=True).first()
        return redirect("people:entity", pk=kept) if kept else redirect("people:list")
    messages.success(request, _("已撤销合并。"))
    return redirect("people:entity", pk=record.kept_id)


@login_required
@page_rule(may_decide)
@require_GET
def registration_hint(request: HttpRequest) -> HttpResponse:
    """htmx, from the registration form: for each subject typed, where the person has already seen them."""
    found = []
    for key in request.GET:
        match = _NAME_FIELD_RE.match(key)
        name = request.GET.get(key, "").strip()[:MAX_QUERY]
        if not match or not name:
            continue
        id_fragment = request.GET.get(f"{match['prefix']}-id_fragment", "")[:20]
        hints = reading.hint(request.user, name, id_fragment=id_fragment)
        if hints:
            found.append({"name": name, "hints": hints})
        if len(found) >= 10:
            break
    return render(request, "people/_hint.html", {"found": found})


@login_required
@page_rule(may_use)
@require_GET
def leads_board(request: HttpRequest) -> HttpResponse:
    """深挖保护伞: officials named in several visible records from different sources, and organisations behind
    several criminal groups."""
    return render(
        request,
        "people/leads.html",
        {"rows": reading.leads(request.user), "organisations": reading.linked_organisations(request.user)},
    )
