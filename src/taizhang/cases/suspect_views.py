"""The case page's suspects section: the list, and the forms that add a suspect or change one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.cases import permissions as perm
from taizhang.cases import suspects
from taizhang.cases.choices import GroupRole, SuspectStatus
from taizhang.cases.models import Case
from taizhang.cases.views import act
from taizhang.core.access import page_rule
from taizhang.core.errors import ActionError
from taizhang.core.params import as_id
from taizhang.org.actors import acting

FIELDS = ("name", "id_fragment", "phone_fragment", "group_role", "status")
# What a refused form had typed, kept in the session until the case page shows it again.
DRAFT = "cases.suspect_draft"


def may_record_suspects(user: Any, pk: int) -> bool:
    """The office or the judicial units handling a case they see (the actions check the same)."""
    case = Case.objects.visible_to(user).select_related("office").filter(pk=pk).first()
    if case is None:
        return False
    return perm.can_record_stage(user, case, set(case.handling_units.values_list("pk", flat=True)))


def section(request: HttpRequest, case: Case, handling_ids: set[int]) -> dict[str, Any]:
    """What the case page shows of its suspects (everyone who sees the case reads the list)."""
    drafts = request.session.get(DRAFT) or {}
    draft = drafts.pop(str(case.pk), None)
    if draft is not None:
        request.session[DRAFT] = drafts
    rows = []
    for row in case.suspects.order_by("id"):
        # A refused change shows again what was typed, not the stored values.
        typed = draft if draft and draft.get("suspect") == row.pk else None
        rows.append({"row": row, "form": typed or {name: getattr(row, name) for name in FIELDS}})
    return {
        "rows": rows,
        "may_record": perm.can_record_stage(request.user, case, handling_ids),
        "group_roles": GroupRole.choices,
        "statuses": SuspectStatus.choices,
        "draft": draft if draft and not draft.get("suspect") else None,
    }


def _values(request: HttpRequest) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in FIELDS}


def _keep(request: HttpRequest, pk: int, values: dict[str, str], suspect: int | None) -> None:
    drafts = request.session.get(DRAFT) or {}
    drafts[str(pk)] = {**values, "suspect": suspect}
    request.session[DRAFT] = drafts


@login_required
@require_POST
@page_rule(may_record_suspects)
def suspect_add(request: HttpRequest, pk: int) -> HttpResponse:
    values = _values(request)

    def call(case: Case) -> None:
        try:
            suspects.do_add_suspect(case.pk, actor=acting(request), **values)
        except ActionError:
            _keep(request, case.pk, values, None)
            raise

    return act(request, pk, call, _("犯罪嫌疑人已登记。"), "#suspects")


@login_required
@require_POST
@page_rule(may_record_suspects)
def suspect_edit(request: HttpRequest, pk: int) -> HttpResponse:
    values = _values(request)
    suspect_id = as_id(request.POST.get("suspect")) or 0

    def call(case: Case) -> None:
        try:
            suspects.do_edit_suspect(
                case.pk,
                actor=acting(request),
                suspect_id=suspect_id,
                version=as_id(request.POST.get("version")),
                **values,
            )
        except ActionError:
            _keep(request, case.pk, values, suspect_id)
            raise

    return act(request, pk, call, _("犯罪嫌疑人信息已保存。"), "#suspects")
