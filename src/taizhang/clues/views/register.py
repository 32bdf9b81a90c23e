"""Registering a clue and correcting its registered facts (with the stale-save conflict that loses nothing)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from taizhang.clues import actions
from taizhang.clues import permissions as perm
from taizhang.clues.forms import EditForm, RegisterForm, SubjectForm, SubjectFormSet
from taizhang.clues.models import Clue
from taizhang.clues.views.common import show_error, visible_clue
from taizhang.core.errors import ActionError, ConflictError
from taizhang.core.models import AuditEntry
from taizhang.org.actors import acting
from taizhang.org.models import Unit
from taizhang.org.visibility import scope_of

PREFIX = "subjects"


def unit_names(request: HttpRequest) -> list[str]:
    """The names people may pick for a subject's unit (the unit tree the office sees, names and short names):
    a name picked from the tree is matched exactly, so its unit is recused."""
    rows = Unit.objects.visible_to(request.user).filter(is_active=True).order_by("path")
    names: dict[str, None] = {}
    for name, short in rows.values_list("name", "short_name"):
        names[name] = None
        if short:
            names[short] = None
    return list(names)


def _require_office(request: HttpRequest) -> None:
    scope = scope_of(request.user)
    if not (scope and scope.office_path and scope.has(*perm.OFFICE_ACTORS)):
        raise Http404()


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """受理登记: the clue's facts, its subjects (add as many as needed), the optional reporter, attachments."""
    _require_office(request)
    form = RegisterForm(request.POST or None, user=request.user)
    subjects = SubjectFormSet(request.POST or None, prefix=PREFIX)
    if request.method == "POST" and form.is_valid() and subjects.is_valid():
        try:
            with transaction.atomic():
                clue = actions.do_register_clue(
                    actor=acting(request),
                    office=form.cleaned_data["office"],
                    subjects=subjects.subjects(),  # type: ignore[attr-defined]
                    reporter=form.reporter(),
                    **form.changes(),
                )
                for upload in request.FILES.getlist("attachments"):
                    actions.do_add_attachment(
                        clue.pk,
                        actor=acting(request),
                        name=upload.name or "",
                        content_type=upload.content_type or "",
                        chunks=upload.chunks(),
                    )
        except ActionError as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("线索已登记，编号 %(n)s。") % {"n": clue.number})
            return redirect("clues:detail", pk=clue.pk)
    return render(
        request,
        "clues/register.html",
        {"form": form, "subjects": subjects, "editing": None, "unit_names": unit_names(request)},
    )


@login_required
def subject_row(request: HttpRequest) -> HttpResponse:
    """htmx "add another subject": one more empty subject form, and the formset's new total (out of band)."""
    _require_office(request)
    try:
        index = max(0, min(int(request.GET.get(f"{PREFIX}-TOTAL_FORMS", "1")), 49))
    except ValueError:
        index = 1
    form = SubjectForm(prefix=f"{PREFIX}-{index}")
    return render(
        request,
        "clues/_subject_row.html",
        {"sform": form, "next_total": index + 1, "oob": True, "prefix": PREFIX},
    )


def conflict_changes(clue: Clue, since_version: int) -> list[dict[str, Any]]:
    """What others changed after the version the person started from (from the audit log, with who and when)."""
    fields = {f.name: f for f in Clue._meta.get_fields() if hasattr(f, "verbose_name")}
    changes = []
    entries = AuditEntry.objects.filter(object_type="clues.clue", object_id=str(clue.pk)).select_related(
        "actor"
    )
    for entry in entries.order_by("at", "id"):
        before, after = entry.before or {}, entry.after or {}
        if not isinstance(after, dict) or int(after.get("version") or 0) <= since_version:
            continue
        for name, value in after.items():
            if name in ("version", "detail") or before.get(name) == value:
                continue
            field = fields.get(name)
            choices = getattr(field, "choices", None)
            display = dict(choices).get(value, value) if choices else value
            changes.append(
                {
                    "field": str(getattr(field, "verbose_name", name)),
                    "value": display,
                    "by": str(entry.actor) if entry.actor else entry.actor_label,
                    "at": entry.at,
                }
            )
    return changes


def _initial(clue: Clue) -> dict[str, Any]:
    return {
        "channel": clue.channel,
        "received_at": clue.received_at,
        "source_ref": clue.source_ref,
        "summary": clue.summary,
        "facts": clue.facts,
        "sector": clue.sector_id,
        "place": clue.place,
        "alleges_umbrella": clue.alleges_umbrella,
        "version": clue.version,
    }


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the registered facts; a save from a stale copy shows what changed and keeps what was typed."""
    clue = visible_clue(request, pk)
    if not perm.can_manage(request.user, clue):
        raise Http404()
    conflict: list[dict[str, Any]] | None = None
    if request.method == "POST":
        form = EditForm(request.POST)
        subjects = SubjectFormSet(request.POST, prefix=PREFIX)
        if form.is_valid() and subjects.is_valid():
            changes = form.changes()
            version = changes.pop("version")
            try:
                actions.do_edit_clue(
                    clue.pk,
                    actor=acting(request),
                    version=version,
                    subjects=subjects.subjects(),  # type: ignore[attr-defined]
                    **changes,
                )
            except ConflictError as exc:
                show_error(request, exc)
                fresh = Clue.objects.get(pk=clue.pk)
                conflict = conflict_changes(fresh, version)
                # Keep what the person typed; moving their copy to the current version lets them save it
                # deliberately after reading what changed.
                data = request.POST.copy()
                data["version"] = str(fresh.version)
                form = EditForm(data)
                subjects = SubjectFormSet(data, prefix=PREFIX)
            except ActionError as exc:
                show_error(request, exc)
            else:
                messages.success(request, _("登记信息已保存。"))
                return redirect("clues:detail", pk=clue.pk)
    else:
        form = EditForm(initial=_initial(clue))
        subjects = SubjectFormSet(
            prefix=PREFIX,
            initial=[
                {
                    "kind": s.kind,
                    "name": s.name,
                    "position": s.position,
                    "unit_name": s.unit_name,
                    "is_official": s.is_official,
                    "id_fragment": s.id_fragment,
                    "phone_fragment": s.phone_fragment,
                }
                for s in clue.subjects.order_by("id")
            ],
        )
    return render(
        request,
        "clues/register.html",
        {
            "form": form,
            "subjects": subjects,
            "editing": clue,
            "conflict": conflict,
            "unit_names": unit_names(request),
        },
    )
