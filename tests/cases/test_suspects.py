"""A case's suspects entered one by one: who records them, the counts they make, the page, the API."""

from __future__ import annotations

import pytest

from taizhang.cases import actions
from taizhang.cases.models import CaseSuspect
from taizhang.cases.suspects import do_add_suspect, do_edit_suspect
from taizhang.core.errors import ActionError, ConflictError, NotVisible, PermissionRefused
from taizhang.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _add(world, case, persona="police_liaison", **kw):
    values = {"name": "张某", "group_role": "member", "status": "caught", **kw}
    return do_add_suspect(case.pk, actor=world.people[persona], **values)


def test_counts_come_from_the_records_once_there_are_any(world, cases):
    case = cases.register(persons_caught=9, fugitives_at_large=4)
    assert (case.persons_caught, case.fugitives_at_large) == (9, 4)  # typed while no one is listed
    _add(world, case, name="刘某强", group_role="organiser", status="caught", id_fragment="1234")
    _add(world, case, name="王某", status="at_large")
    fugitive = _add(world, case, name="赵某", status="at_large", phone_fragment="13800138000")
    case.refresh_from_db()
    assert (case.persons_caught, case.fugitives_caught, case.fugitives_at_large) == (1, 0, 2)
    do_edit_suspect(
        case.pk,
        actor=world.people["office_staff"],
        suspect_id=fugitive.pk,
        version=fugitive.version,
        name="赵某",
        phone_fragment="13800138000",
        group_role="core",
        status="fugitive_caught",
    )
    case.refresh_from_db()
    assert (case.persons_caught, case.fugitives_caught, case.fugitives_at_large) == (2, 1, 1)
    # No typed count beside the records.
    with pytest.raises(ActionError) as err:
        actions.do_edit_case(
            case.pk, actor=world.people["office_staff"], version=case.version, persons_caught=5
        )
    assert err.value.code == "suspects_itemised"
    actions.do_edit_case(case.pk, actor=world.people["office_staff"], version=case.version, persons_caught=2)
    # The case's timeline says that the group changed, not whom it names.
    entries = AuditEntry.objects.filter(object_type="cases.case", action__startswith="case.suspect_")
    assert entries.count() == 4 and all("刘某强" not in str(e.after) for e in entries)


def test_bad_input_and_who_may_record(world, cases):
    case = cases.register()
    with pytest.raises(ActionError, match="姓名"):
        _add(world, case, name="  ")
    with pytest.raises(ActionError, match="组织地位"):
        _add(world, case, group_role="boss")
    with pytest.raises(ActionError, match="状态"):
        _add(world, case, status="dead")
    with pytest.raises(PermissionRefused):
        _add(world, case, persona="discipline_handler")  # sees the case, does not record its suspects
    with pytest.raises(NotVisible):
        _add(world, case, persona="handler")  # does not see the case
    row = _add(world, case)
    with pytest.raises(ConflictError):
        do_edit_suspect(
            case.pk,
            actor=world.people["office_staff"],
            suspect_id=row.pk,
            version=row.version + 1,
            name="张某",
            group_role="member",
            status="caught",
        )
    assert CaseSuspect.objects.filter(case=case).count() == 1


def test_the_page_lists_them_and_keeps_what_a_refused_form_typed(world, cases):
    case = cases.register()
    police = world.client_for("police_liaison")
    url = f"/cases/{case.pk}/"
    done = police.post(f"{url}suspects/add/", {"name": "孙某", "group_role": "leader", "status": "at_large"})
    assert done.status_code == 302
    page = police.get(url).content.decode()
    assert "孙某" in page and "领导者" in page and "在逃" in page
    refused = police.post(f"{url}suspects/add/", {"name": "钱某某", "id_fragment": "9988", "group_role": "x"})
    assert refused.status_code == 302
    page = police.get(url).content.decode()
    assert "请选择组织地位" in page and 'value="9988"' in page and 'value="钱某某"' in page
    # Those who see the case read the list; only its recorders get the forms.
    commission = world.client_for("discipline_handler").get(url).content.decode()
    assert "孙某" in commission and "suspects/add/" not in commission
    assert (
        world.client_for("discipline_handler").post(f"{url}suspects/add/", {"name": "李某"}).status_code
        == 404
    )
    assert world.client_for("handler").get(url).status_code == 404


def test_api_reads_and_adds_suspects(world, cases):
    case = cases.register()
    police = world.client_for("police_liaison")
    url = f"/api/cases/cases/{case.pk}/suspects"
    body = {"name": "周某", "group_role": "core", "status": "caught", "id_fragment": "110105"}
    created = police.post(url, body, content_type="application/json")
    assert created.status_code == 201 and created.json()["group_role"] == "core"
    assert police.post(url, {**body, "status": "x"}, content_type="application/json").status_code == 422
    assert [r["name"] for r in world.client_for("discipline_handler").get(url).json()] == ["周某"]
    assert world.client_for("handler").get(url).status_code == 404
