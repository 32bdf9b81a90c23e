"""The authorization matrix: every route and API operation × every persona × every record context.

The routes are discovered from Django's resolver and the API's URL patterns; tests/proof/matrix.py says who
may use each one. A route that is served but not classified there fails test_every_route_is_classified.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction

from taizhang.core.models import AuditEntry
from tests.proof import matrix
from tests.proof.conftest import Proof, fill
from tests.proof.discovery import api_operations, page_routes

HIDDEN, ACTED, REFUSED = matrix.HIDDEN, matrix.ACTED, matrix.REFUSED
_REFUSAL_CODES = {302, 400, 403, 404, 409, 422}


def _outcome(response: Any) -> str:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if "/accounts/login/" in location:
            return matrix.LOGIN
        if "/accounts/2fa/" in location:
            return "second-factor"
        if "/admin/login/" in location:
            return "admin-login"
        return matrix.OK
    if 200 <= code < 300:
        return matrix.OK
    if code == 401:
        return matrix.UNAUTH
    if code == 404:
        return HIDDEN
    if code == 403:
        return matrix.DENY
    return f"status {code}"


def _change_outcome(response: Any) -> str:
    """What a POST/PATCH did: acted (audit rows written), refused (nothing written), or how it was refused."""
    got = _outcome(response)
    if response.audit_rows and response.status_code < 400 and not response.refusal_audited:
        return ACTED
    if got in (matrix.LOGIN, matrix.UNAUTH, "second-factor"):
        return got
    if response.status_code == 404:
        return HIDDEN
    if response.status_code >= 500:
        return f"status {response.status_code}"
    if response.audit_rows and not response.refusal_audited:
        return (
            ACTED
            if response.status_code < 400
            else f"wrote {response.audit_rows} rows and answered {response.status_code}"
        )
    return (
        REFUSED
        if response.status_code in _REFUSAL_CODES or response.status_code < 300
        else f"status {response.status_code}"
    )


def _allowed(rule: matrix.Rule, context: str | None) -> frozenset[str]:
    if isinstance(rule.allow, dict):
        return rule.allow.get(context or "", frozenset())
    return rule.allow


def _expected(rule: matrix.Rule, persona: str | None, context: str | None) -> str:
    if persona is None:
        return rule.anon
    if rule.obj == "missing":
        return HIDDEN
    if context is not None and persona not in matrix.viewers(rule.obj, context):
        return HIDDEN
    allowed = persona in _allowed(rule, context)
    if rule.method != "GET":
        return ACTED if allowed and rule.data else REFUSED
    return matrix.OK if allowed else matrix.DENY


def _matches(expected: str, got: str, rule: matrix.Rule, code: int) -> bool:
    if rule.bounce and rule.method == "GET":
        # Sent back to the record with a message: the refusal; the page itself is for the people allowed.
        if expected == matrix.OK:
            return code == 200
        if expected == matrix.DENY and got == matrix.OK:
            return code in (302, 303)
    if expected == got:
        return True
    if expected == matrix.DENY and got == HIDDEN:
        return True
    if rule.method == "GET":
        return False
    # An empty request that answers 404 wrote nothing: refused all the same.
    if expected == REFUSED and got == HIDDEN:
        return True
    # For a record that does not exist, a role gate that answers 403 before the lookup tells nothing.
    if expected == HIDDEN and rule.obj == "missing" and code == 403:
        return True
    # A change that is allowed on its face but whose route redirects to sign in (signing out) acted.
    if expected == ACTED and got == matrix.LOGIN and rule.signs_out:
        return True
    # Public changes (set_language) write nothing and are still fine.
    if expected in (ACTED, matrix.OK) and got in (REFUSED, matrix.OK) and rule.anon == matrix.OK:
        return True
    # Outside a person's sight, a request that is wrong whatever the record (malformed, or naming the clue
    # itself as the other one) may be refused before the record is looked up: it tells nothing either way.
    return expected == HIDDEN and got == REFUSED and code in (400, 422)


def _contexts(rule: matrix.Rule) -> tuple[str | None, ...]:
    if rule.obj in matrix.CLUE_OBJS:
        return rule.contexts or matrix.CLUE_CONTEXTS
    if rule.obj in matrix.RECORD_VIEWERS:
        return rule.contexts or tuple(matrix.RECORD_VIEWERS[rule.obj])
    return (None,)


def _secret(proof: Proof, rule: matrix.Rule, context: str | None) -> str | None:
    """The text a refused answer must not show: the clue's summary or the record's marker."""
    if context is None:
        return None
    if rule.obj in matrix.RECORD_VIEWERS:
        return proof.records.markers[(rule.obj, context)]
    return proof.clues[context].summary


def _values(route_params: tuple[str, ...], rule: matrix.Rule, proof: Proof, context: str | None) -> dict:
    values: dict[str, Any] = dict(rule.params)
    for name in route_params:
        if name in values:
            continue
        if rule.obj == "missing" or context is None:
            values[name] = 987654321
        elif rule.obj in matrix.RECORD_VIEWERS:
            values[name] = proof.records.ids[rule.obj][context]
        elif rule.obj == "attachment":
            values[name] = proof.attachments[context]
        elif rule.obj == "transfer" or name == "transfer_id":
            values[name] = proof.transfers[context]
        elif name == "number":
            values[name] = proof.clues[context].number
        else:
            values[name] = proof.clues[context].pk
    return values


def _request(
    client: Any,
    rule: matrix.Rule,
    url: str,
    proof: Proof,
    persona: str | None,
    context: str | None,
    api: bool,
):
    if rule.method == "GET":
        return client.get(url)
    # A change runs in a savepoint that is rolled back, so every persona meets the same record; its audit
    # rows are counted to tell what it did.
    with transaction.atomic():
        before = AuditEntry.objects.count()
        data = DATA[rule.data](proof, context, persona) if rule.data else {}
        send = getattr(client, rule.method.lower())
        if api:
            response = send(url, data=json.dumps(data), content_type="application/json")
        else:
            response = send(url, data=data)
        response.audit_rows = AuditEntry.objects.count() - before
        response.refusal_audited = rule.audits_refusals
        transaction.set_rollback(True)
    return response


def _same_as_missing(client, rule, pattern, params, proof, response, api, persona, context) -> bool:
    missing = fill(pattern, _values(params, matrix.Rule(allow=frozenset(), obj="missing"), proof, None))
    other = _request(client, rule, missing, proof, persona, context, api)
    return other.status_code == response.status_code and not other.audit_rows


def _run(proof: Proof, key: str, pattern: str, params: tuple[str, ...], rule: matrix.Rule, *, api: bool):
    clients = {p: (proof.api_client(p) if api else proof.client(p)) for p in [*matrix.PERSONAS, None]}
    problems = []
    for context in _contexts(rule):
        url = fill(pattern, _values(params, rule, proof, context)) + (f"?{rule.query}" if rule.query else "")
        secret = _secret(proof, rule, context)
        for persona, client in clients.items():
            response = _request(client, rule, url, proof, persona, context, api)
            got = _outcome(response) if rule.method == "GET" else _change_outcome(response)
            expected = _expected(rule, persona, context)
            who = persona or "anonymous"
            where = f" [{context}]" if context else ""
            if (
                expected == HIDDEN
                and got == REFUSED
                and (rule.obj in matrix.CLUE_OBJS or rule.obj in matrix.RECORD_VIEWERS)
                and _same_as_missing(client, rule, pattern, params, proof, response, api, persona, context)
            ):
                got = HIDDEN  # refused exactly as for a record that does not exist: nothing to learn
            if not _matches(expected, got, rule, response.status_code):
                problems.append(f"{who}{where}: expected {expected}, got {got} ({response.status_code})")
            elif expected in (matrix.DENY, HIDDEN, matrix.LOGIN, matrix.UNAUTH, REFUSED):
                if getattr(response, "audit_rows", 0) and not rule.audits_refusals:
                    problems.append(f"{who}{where}: refused but wrote {response.audit_rows} audit rows")
                if secret and expected != REFUSED and secret in response.content.decode(errors="replace"):
                    problems.append(f"{who}{where}: refused answer shows the record")
            if api and response.status_code >= 400:
                body = response.json()
                if not {"code", "message"} <= set(body):
                    problems.append(f"{who}{where}: error without code/message: {body}")
    assert not problems, f"{key} {pattern}:\n  " + "\n  ".join(problems)


# ---- valid requests for the changes the matrix makes (see matrix.Rule.data) ----


def _clue(proof: Proof, context: str | None):
    from taizhang.clues.models import Clue

    return Clue.objects.get(pk=proof.clues[context].pk) if context else None


def _report(proof, context, persona):
    clue = _clue(proof, context)
    return {"stage": "first" if clue.status == "assigned" else "progress", "body": "已成立核查组，正在核查。"}


def _reassign_unit(proof, context):
    key = {"other": "transport", "umbrella": "discipline", "district": "district_police"}.get(
        context, "construction"
    )
    return proof.world.units[key].pk


def _reassign(proof, context, persona):
    clue = _clue(proof, context)
    return {
        "unit": _reassign_unit(proof, context),
        "unit_id": _reassign_unit(proof, context),
        "reason": "职责调整",
        "version": clue.version,
    }


def _answer(proof, context, persona):
    return {
        "transfer": proof.transfers[context],
        "answer": "filed",
        "case_reference": "公立〔2026〕1号",
        "note": "",
    }


def _attach(proof, context, persona):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("补充材料.pdf", b"%PDF-1.4 matrix", content_type="application/pdf")}


def _register(proof, context, persona):
    from django.utils import timezone

    office = "district" if persona in matrix.DISTRICT_OFFICE else "city"
    return {
        "office_id": proof.world.units[office].pk,
        "channel": "letter",
        "received_at": timezone.now().isoformat(),
        "summary": "矩阵登记",
        "facts": "矩阵测试登记的线索。",
        "subjects": [{"name": "某某"}],
    }


def _edit(proof, context, persona):
    return {"version": _clue(proof, context).version, "place": "矩阵修改"}


def _record(proof: Proof, model: Any, kind: str, context: str | None) -> Any:
    return model.objects.get(pk=proof.records.ids[kind][context])


def _stage(proof, context, persona):
    from django.utils import timezone

    return {"stage": "arrest", "occurred_on": timezone.localdate().isoformat(), "persons": 2, "note": ""}


def _case_edit(proof, context, persona):
    from taizhang.cases.models import Case

    return {"version": _record(proof, Case, "case", context).version, "brief": "矩阵修改"}


def _progress(proof, context, persona):
    from taizhang.rectification.models import Measure

    return {"body": "矩阵报送的进展", "version": _record(proof, Measure, "measure", context).version}


def _review(proof, context, persona):
    from taizhang.rectification.models import Measure

    return {"approve": True, "note": "", "version": _record(proof, Measure, "measure", context).version}


def _lift(proof, context, persona):
    from taizhang.supervision.models import ListedSupervision

    return {"note": "已办结，摘牌", "version": _record(proof, ListedSupervision, "listed", context).version}


def _minutes(proof, context, persona):
    from taizhang.supervision.models import Meeting

    return {"minutes": "矩阵会议纪要", "version": _record(proof, Meeting, "meeting", context).version}


def _done(proof, context, persona):
    from taizhang.supervision.models import Task

    return {"result": "已办结", "version": _record(proof, Task, "task", context).version}


def _report_step(proof, context, persona, **extra):
    from taizhang.reports.models import PeriodicReport

    return {"version": _record(proof, PeriodicReport, "report", context).version, **extra}


DATA = {
    "language": lambda proof, context, persona: {"language": "en", "next": "/"},
    "logout": lambda proof, context, persona: {},
    "report": _report,
    "reassign": _reassign,
    "answer": _answer,
    "attach": _attach,
    "register": _register,
    "edit": _edit,
    "outcome": lambda proof, context, persona: {"body": "已批捕"},
    "triage": lambda proof, context, persona: {"in_scope": True, "category": "evil"},
    "assign": lambda proof, context, persona: {"unit_id": proof.world.units["construction"].pk},
    "finding": lambda proof, context, persona: {"result": "substantiated", "basis": "属实"},
    "sign": lambda proof, context, persona: {"approve": True},
    "review": lambda proof, context, persona: {"accept": True},
    "transfer": lambda proof, context, persona: {
        "kind": "police",
        "receiver_unit_id": proof.world.units["police"].pk,
    },
    "note": lambda proof, context, persona: {"note": "办结"},
    "reason": lambda proof, context, persona: {"reason": "重新核查"},
    "stage": _stage,
    "screen": lambda proof, context, persona: {"result": "not_found", "note": "未发现保护伞"},
    "suspect": lambda proof, context, persona: {
        "name": "测试嫌疑人",
        "group_role": "member",
        "status": "caught",
    },
    "case_edit": _case_edit,
    "progress": _progress,
    "measure_review": _review,
    "reply": lambda proof, context, persona: {"reply": "已制定整改方案。", "measures": ""},
    "reply_api": lambda proof, context, persona: {"reply": "已制定整改方案。", "measures": []},
    # "1": what the page's form sends, and a boolean to the API.
    "decide": lambda proof, context, persona: {"approve": "1", "note": "同意", "days": 5},
    "lift": _lift,
    "minutes": _minutes,
    "done": _done,
    # A step that needs nothing but the record (acknowledging a notice).
    "nothing": lambda proof, context, persona: {},
    "submit": _report_step,
    "return": lambda proof, context, persona: _report_step(proof, context, persona, comment="请补充数据"),
    # ---- drives, reviews, call-backs (#22) ----
    "drive_return": lambda proof, context, persona: {
        "items_checked": "3",
        "is_zero": "on",
        "leader_name": "矩阵负责人",
    },
    "drive_return_api": lambda proof, context, persona: {
        "items_checked": 3,
        "is_zero": True,
        "leader_name": "矩阵负责人",
    },
    "verdict": lambda proof, context, persona: {"verdict": "upheld", "reasons": "矩阵评查意见"},
    "review_assign": lambda proof, context, persona: {
        "items": [proof.records.ids["review_item"]["city"]],
        "reviewer_unit": proof.world.units["construction"].pk,
    },
    "assign_api": lambda proof, context, persona: {
        "item_ids": [proof.records.ids["review_item"]["city"]],
        "reviewer_unit_id": proof.world.units["construction"].pk,
    },
    "conclusion": lambda proof, context, persona: {"conclusion": "矩阵结论"},
    "callback_outcome": lambda proof, context, persona: {"outcome": "satisfied", "notes": "矩阵回访"},
    # Linking or merging a clue with itself: refused by the action, after the visibility check.
    "other": lambda proof, context, persona: {"other_id": proof.clues[context].pk},
}


# ---- the route set and the matrix data agree ----


def _page_keys() -> set[str]:
    return {k for k in page_routes() if not k.startswith(matrix.ADMIN_PREFIX)}


def test_every_route_is_classified(db):
    routes, ops = _page_keys(), set(api_operations())
    unclassified = sorted((routes - set(matrix.PAGES)) | (ops - set(matrix.API)))
    stale = sorted((set(matrix.PAGES) - routes) | (set(matrix.API) - ops))
    assert not unclassified, "routes without an entry in tests/proof/matrix.py:\n  " + "\n  ".join(
        unclassified
    )
    assert not stale, "entries in tests/proof/matrix.py for routes that no longer exist:\n  " + "\n  ".join(
        stale
    )


def test_every_persona_appears_in_the_world(proof, db):
    assert set(matrix.PERSONAS) == set(proof.world.people)


@pytest.mark.parametrize("context", matrix.CLUE_CONTEXTS)
def test_contexts_are_seen_as_the_rules_say(proof, db, context):
    """The independent VIEWERS table and the clue queryset agree (the matrix below relies on both)."""
    from taizhang.clues.models import Clue

    clue = proof.clues[context]
    seen = {p for p, user in proof.world.people.items() if Clue.objects.visible_to(user).filter(pk=clue.pk)}
    assert seen == matrix.VIEWERS[context]


RECORD_MODELS = {
    "case": "cases.Case",
    "letter": "rectification.Letter",
    "list": "rectification.ProblemList",
    "measure": "rectification.Measure",
    "listed": "supervision.ListedSupervision",
    "notice": "supervision.PointNotice",
    "meeting": "supervision.Meeting",
    "task": "supervision.Task",
    "extension": "supervision.Extension",
    "urging": "supervision.UrgingNotice",
    "report": "reports.PeriodicReport",
    "drive": "drives.Drive",
    "drive_return": "drives.DriveReturn",
    "campaign": "reviews.ReviewCampaign",
    "review_item": "reviews.ReviewItem",
    "callback": "reviews.CallbackTask",
}


@pytest.mark.parametrize(
    "kind,context",
    [
        (kind, context)
        for kind, table in matrix.RECORD_VIEWERS.items()
        for context in table
        if kind in RECORD_MODELS
    ],
)
def test_records_are_seen_as_the_rules_say(proof, db, kind, context):
    """The independent RECORD_VIEWERS table and each record's queryset agree."""
    from django.apps import apps

    model = apps.get_model(RECORD_MODELS[kind])
    pk = proof.records.ids[kind][context]
    seen = {p for p, user in proof.world.people.items() if model.objects.visible_to(user).filter(pk=pk)}
    assert seen == matrix.RECORD_VIEWERS[kind][context]


# ---- every page × persona × context ----


def _cases(table: dict[str, matrix.Rule]) -> list:
    return [
        pytest.param(key, marks=pytest.mark.xfail(strict=True, reason=rule.known_bug))
        if rule.known_bug
        else key
        for key, rule in sorted(table.items())
    ]


@pytest.mark.parametrize("key", _cases(matrix.PAGES))
def test_page(proof, db, key):
    route = page_routes().get(key)
    if route is None:
        pytest.fail(f"{key} is in the matrix but not served (see test_every_route_is_classified)")
    _run(proof, key, route.pattern, route.params, matrix.PAGES[key], api=False)


@pytest.mark.parametrize("key", _cases(matrix.API))
def test_api(proof, db, key):
    op = api_operations().get(key)
    if op is None:
        pytest.fail(f"{key} is in the matrix but not served (see test_every_route_is_classified)")
    _run(proof, key, op.path, op.params, matrix.API[key], api=True)


def test_api_by_session_matches_token(proof, db):
    """The browser session reaches the API like a token does (GET), and an anonymous session gets 401."""
    for key, rule in matrix.API.items():
        op = api_operations()[key]
        if op.method != "GET" or op.params:
            continue
        url = op.path + (f"?{rule.query}" if rule.query else "")
        assert proof.client("office_staff").get(url).status_code == (
            200 if "office_staff" in rule.allow else 403
        )
        assert proof.client(None).get(url).status_code == 401


# ---- Django's admin and the second factor ----


def _admin_urls() -> list[str]:
    values = {"object_id": 1, "content_type_id": 1, "pk": 1, "id": 1, "app_label": "org", "url": "x"}
    urls = []
    for key, route in page_routes().items():
        if key.startswith(matrix.ADMIN_PREFIX) and "(?P" not in route.pattern and "^" not in route.pattern:
            urls.append(fill(route.pattern, values))
    return sorted(set(urls))


def test_admin_answers_only_staff_accounts(proof, db):
    urls = _admin_urls()
    assert "/admin/" in urls
    problems = []
    # Non-staff accounts differ only by role here: an office leader and a liaison stand for them all.
    for persona in [None, "office_leader", "liaison", "custodian"]:
        client = proof.client(persona)
        for url in urls:
            if url in ("/admin/login/", "/admin/logout/", "/admin/jsi18n/"):
                continue
            response = client.get(url)
            if _outcome(response) not in ("admin-login", matrix.LOGIN) and response.status_code != 404:
                problems.append(f"{persona or 'anonymous'} {url}: {response.status_code}")
    assert not problems, "\n".join(problems)
    assert proof.client("sysadmin").get("/admin/").status_code == 200


def test_unverified_second_factor_holds_every_staff_page(proof, db):
    """A custodian signed in with a password only reaches nothing but the sign-in pages."""
    from django.test import Client

    client = Client()
    client.force_login(proof.world.people["custodian"])
    for key, rule in matrix.PAGES.items():
        route = page_routes()[key]
        if rule.anon != matrix.LOGIN or rule.obj or rule.method != "GET" or key.startswith("accounts:"):
            continue
        if key.startswith("api:"):  # the API description: held with the API's own JSON answer
            response = client.get(route.pattern)
            assert response.status_code == 403 and response.json()["code"] == "second_factor_required", key
            continue
        assert _outcome(client.get(route.pattern)) == "second-factor", key
    for key in matrix.API:
        op = api_operations()[key]
        if op.method == "GET" and not op.params:
            response = client.get(op.path)
            assert response.status_code == 403 and response.json()["code"] == "second_factor_required"
