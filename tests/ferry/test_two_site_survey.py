"""The 群众安全感满意度 survey across the two sites: opened on the ledger → return package → citizens answer on
the portal site's page → export → import → the answers count in the results by district, once; an answer
given after the office closed the survey is refused and recorded; the portal keeps no survey of the ledger's."""

from __future__ import annotations

import pytest

from tests.ferry.sites import pair

pytestmark = pytest.mark.slow

OPEN_SURVEY = """
from taizhang.core.actors import CLI
from taizhang.org.choices import UnitKind
from taizhang.org.models import Unit
from taizhang.publicity import actions
office = Unit.objects.get(code="CITY")
east = Unit.objects.create(code="EAST", name="河东区扫黑办", kind=UnitKind.OFFICE, parent=office)
west = Unit.objects.create(code="WEST", name="河西区扫黑办", kind=UnitKind.OFFICE, parent=office)
survey = actions.do_create_survey(
    actor=CLI, office=office, title="2026年第四季度群众安全感满意度调查", period_start=__import__("datetime").date(2026, 10, 1),
    period_end=__import__("datetime").date(2026, 12, 31), districts=[east, west],
    questions=[{"text": "您对所在地区社会治安是否满意", "kind": "likert"},
               {"text": "您是否了解扫黑除恶举报渠道", "kind": "choice", "options": ["了解", "不了解"]}])
actions.do_set_survey_status(survey.pk, actor=CLI, status="open")
print(json.dumps({"survey": survey.pk, "east": east.pk, "west": west.pk,
                  "questions": list(survey.questions.values_list("pk", flat=True))}))
"""

# A citizen on the portal site's page, as a browser: the form, proof of work, post.
CITIZEN_ANSWERS = """
import html, re
from django.test import Client
from taizhang.portal import abuse
c = Client(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="AgentSmith/9.9", HTTP_X_FORWARDED_FOR="198.51.100.23")
url = f"/report/survey/{PARAMS['survey']}/"
results = []
for district, values in PARAMS["answers"]:
    page = c.get(url)
    if page.status_code != 200:
        results.append([page.status_code, page.content.decode()])
        continue
    challenge = html.unescape(re.search(r'name="challenge" value="([^"]+)"', page.content.decode()).group(1))
    data = {"district": str(district), "challenge": challenge, "pow_answer": abuse.solve(challenge, abuse.pow_bits())}
    data.update({f"q{q}": str(v) for q, v in zip(PARAMS["questions"], values) if v is not None})
    r = c.post(url, data)
    results.append([r.status_code, r.content.decode()])
listing = c.get("/report/survey/").content.decode()
print(json.dumps({"results": results, "listing": listing}))
"""

PORTAL_STATE = """
from django.db import connection
from taizhang.gate.models import PublicSurvey, SurveyAnswer
tables = connection.introspection.table_names()
with connection.cursor() as cursor:
    rows = []
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        rows.extend(repr(row) for row in cursor.fetchall())
print(json.dumps({"surveys": list(PublicSurvey.objects.values_list("ledger_id", "is_open")),
                  "answers": SurveyAnswer.objects.count(), "tables": tables, "text": "\\n".join(rows)}))
"""

RESULTS = """
from taizhang.core.models import AuditEntry
from taizhang.publicity import results
from taizhang.publicity.models import Response, Survey
survey = Survey.objects.get(pk=PARAMS["survey"])
table = results.table(survey)
print(json.dumps({
    "by_district": {r["district"].code: [r["cells"][0]["cell"].answers, r["cells"][0]["cell"].satisfied]
                    for r in table["rows"]},
    "responses": list(Response.objects.order_by("pk").values_list("channel", "district__code")),
    "audit": list(AuditEntry.objects.filter(action="survey.portal_answers").values_list("after", flat=True)),
    "rows": repr(list(Response.objects.values())) + repr(list(AuditEntry.objects.values())),
}))
"""

CLOSE = """
from taizhang.core.actors import CLI
from taizhang.publicity import actions
actions.do_set_survey_status(PARAMS["survey"], actor=CLI, status="closed")
print(json.dumps({}))
"""


def _ferry(source, target, out) -> None:
    """One package from `source` to `target` through the folder `out`."""
    done = source.run("ferry", "export", "--out", str(out)).stdout
    assert "written" in done, done
    target.run("ferry", "import", str(sorted(out.glob("*.pkg"))[-1]))


def test_a_survey_opened_on_the_ledger_is_answered_on_the_portal_and_counted_once(tmp_path):
    portal, ledger = pair(tmp_path)
    opened = ledger.py(OPEN_SURVEY)
    survey, east, west, questions = opened["survey"], opened["east"], opened["west"], opened["questions"]

    # Before the return package the portal knows no survey.
    before = portal.py(CITIZEN_ANSWERS, survey=survey, questions=questions, answers=[[east, [5, 0]]])
    assert before["results"][0][0] == 404 and "调查未开放" in before["results"][0][1]

    back = tmp_path / "back"
    _ferry(ledger, portal, back)
    state = portal.py(PORTAL_STATE)
    assert state["surveys"] == [[survey, True]]
    assert not any(t.startswith("publicity") for t in state["tables"])

    answers = [[east, [5, 0]], [east, [4, 1]], [east, [2, 0]], [west, [1, 1]], [west, [None, 0]]]
    sent = portal.py(CITIZEN_ANSWERS, survey=survey, questions=questions, answers=answers)
    statuses = [status for status, _page in sent["results"]]
    assert statuses == [200, 200, 200, 200, 400]
    assert "感谢您的参与" in sent["results"][0][1]
    # A question left unanswered: a clear message, and what was chosen is kept.
    assert "请回答第 1 题" in sent["results"][4][1] and 'value="0" required checked' in sent["results"][4][1]
    assert (
        "2026年第四季度群众安全感满意度调查" in sent["listing"]
        and 'href="/report/survey/"' in sent["listing"]
    )
    held = portal.py(PORTAL_STATE)
    assert held["answers"] == 4
    NETWORK = ("203.0.113.77", "AgentSmith", "198.51.100.23")  # what the citizens' requests carried
    assert not any(trace in held["text"] for trace in NETWORK)

    _ferry(portal, ledger, tmp_path / "up")
    counted = ledger.py(RESULTS, survey=survey)
    assert counted["by_district"] == {"EAST": [3, 2], "WEST": [1, 0]}
    assert counted["responses"] == [["portal", "EAST"]] * 3 + [["portal", "WEST"]]
    assert counted["audit"] == [{"channel": "portal", "responses": 4}]
    assert not any(trace in counted["rows"] for trace in NETWORK)

    # Replaying the package changes nothing.
    (up,) = sorted((tmp_path / "up").glob("*.pkg"))
    assert "已经导入过" in ledger.run("ferry", "import", str(up)).stdout
    assert ledger.py(RESULTS, survey=survey) == counted

    # The next return package acknowledges the answers: the portal forgets them.
    _ferry(ledger, portal, back)
    assert portal.py(PORTAL_STATE)["answers"] == 0


def test_an_answer_given_after_the_survey_closed_is_refused_and_recorded(tmp_path):
    portal, ledger = pair(tmp_path)
    opened = ledger.py(OPEN_SURVEY)
    survey, east, questions = opened["survey"], opened["east"], opened["questions"]
    back = tmp_path / "back"
    _ferry(ledger, portal, back)
    portal.py(CITIZEN_ANSWERS, survey=survey, questions=questions, answers=[[east, [5, 0]]])

    # The office closes the survey; the portal, not told yet, takes one more answer.
    ledger.py(CLOSE, survey=survey)
    late = portal.py(CITIZEN_ANSWERS, survey=survey, questions=questions, answers=[[east, [1, 1]]])
    assert late["results"][0][0] == 200

    _ferry(portal, ledger, tmp_path / "up")
    counted = ledger.py(RESULTS, survey=survey)
    # The answer given while it was open counts (the ferry brought it after the closing); the late one does not.
    assert counted["by_district"]["EAST"] == [1, 1]
    assert counted["responses"] == [["portal", "EAST"]]
    (entry,) = counted["audit"]
    assert entry["responses"] == 1 and entry["refused_closed"] == 1
    assert "调查结束后" in entry["reason_closed"]

    # The return package tells the portal the survey is closed: its page takes no more answers.
    _ferry(ledger, portal, back)
    assert portal.py(PORTAL_STATE)["surveys"] == [[survey, False]]
    refused = portal.py(CITIZEN_ANSWERS, survey=survey, questions=questions, answers=[[east, [5, 0]]])
    assert refused["results"][0][0] == 404 and "调查未开放" in refused["results"][0][1]
