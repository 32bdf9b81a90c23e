"""A refused form keeps what was typed (core/drafts.py): the class of "a redirect after a refusal drops the
person's work" is closed by sending every refusal through `refuse`, which this file checks in the source."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django.urls import reverse

from taizhang.cases.choices import CaseStage, CheckKind
from taizhang.core import drafts
from tests.cases.conftest import CaseMaker

SRC = Path(__file__).resolve().parents[2] / "src" / "taizhang"
DRAFT = re.compile(r'<script id="tz-kept-draft" type="application/json">(.*?)</script>', re.S)


def test_every_refusal_message_goes_through_refuse():
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if path.name != "drafts.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "messages.error(" in line
    ]
    assert not offenders, f"refusals that would drop typed work (use core.drafts.refuse): {offenders}"


@pytest.mark.django_db
def test_a_refused_case_form_comes_back_with_what_was_typed(client, world):
    case = CaseMaker(world).at(CaseStage.PROSECUTION)
    client.force_login(world.people["discipline_handler"])
    typed = {
        "kind": CheckKind.RESPONSIBILITY,
        "finding": "监管部门对砂石场长期无证开采失察，<script>待补问责</script>",
        "failures_found": "1",
        "password": "never-kept",
    }
    response = client.post(reverse("cases:check_conclude", args=[case.pk]), typed)
    assert response.status_code == 302  # refused: 须已录入问责记录
    page = client.get(response["Location"]).content.decode()
    assert "问责记录" in page
    kept = json.loads(DRAFT.search(page).group(1))
    assert kept["action"] == reverse("cases:check_conclude", args=[case.pk])
    assert ["finding", typed["finding"]] in kept["fields"] and ["failures_found", "1"] in kept["fields"]
    assert "password" not in {name for name, _ in kept["fields"]} and "never-kept" not in page
    assert "<script>待补" not in page  # the JSON escapes what was typed
    # Shown once: the next page has nothing left to fill.
    assert not DRAFT.search(client.get(response["Location"]).content.decode())


def _post(data):
    request = RequestFactory().post("/somewhere/", data)
    SessionMiddleware(lambda r: None).process_request(request)
    request._messages = type("Messages", (), {"add": lambda *a, **k: None})()
    return request


def test_keep_false_and_oversized_posts_keep_nothing():
    request = _post({"answer": "很满意"})
    drafts.refuse(request, "提交未通过校验。", keep=False)
    assert drafts.take(request) is None
    request = _post({"body": "长" * (drafts.MAX_CHARS + 1)})
    drafts.refuse(request, "太长")
    assert drafts.take(request) is None
    request = _post({"body": "短", "csrfmiddlewaretoken": "t", "pow_answer": "1", "otp_token": "123456"})
    drafts.refuse(request, "拒绝")
    assert drafts.take(request) == {"action": "/somewhere/", "fields": [["body", "短"]]}
    assert drafts.take(request) is None
