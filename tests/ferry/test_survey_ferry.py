"""The survey's parts of the ferry, in one process: an answer that does not fit the survey is refused and
recorded, one already written is not written again, a version-1 package (no survey part) still applies."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest

from taizhang.core.actors import CLI
from taizhang.core.errors import ActionError
from taizhang.core.models import AuditEntry
from taizhang.ferry import package
from taizhang.gate import surveys
from taizhang.gate.models import PublicSurvey, SurveyAnswer
from taizhang.publicity import actions, online
from taizhang.publicity.models import Response
from tests.ferry.test_package import _resign


@pytest.fixture
def survey(world):
    made = actions.do_create_survey(
        actor=CLI,
        office=world.units["city"],
        title="群众安全感满意度调查",
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 12, 31),
        districts=[world.units["district"]],
        questions=[{"text": "您对所在地区社会治安是否满意", "kind": "likert"}],
    )
    return actions.do_set_survey_status(made.pk, actor=CLI, status="open")


def _answer(survey, district: int, value: str) -> SurveyAnswer:
    (question,) = survey.questions.all()
    return surveys.do_answer(
        survey.pk,
        district=str(district),
        answers={str(question.pk): value},
        challenge_nonce=secrets.token_hex(8),
    )


def test_the_return_package_carries_the_open_surveys_and_the_portal_checks_answers(sites, survey, world):
    back = sites.export_back()
    assert back is not None
    log = sites.apply_back(back)
    assert log.counts["surveys"] == 1
    kept = PublicSurvey.objects.get(ledger_id=survey.pk)
    assert kept.is_open and [q["text"] for q in kept.questions] == ["您对所在地区社会治安是否满意"]
    with pytest.raises(ActionError, match="请选择所在区县"):
        _answer(survey, world.units["city"].pk, "5")
    with pytest.raises(ActionError, match="答案无效"):
        _answer(survey, world.units["district"].pk, "6")
    assert SurveyAnswer.objects.count() == 0
    # Nothing changed since: the next return package does not send the list again.
    assert sites.export_back() is None


def test_answers_are_written_once_and_an_unfitting_one_is_refused_and_recorded(sites, survey, world):
    sites.apply_back(sites.export_back())
    first = _answer(survey, world.units["district"].pk, "5")
    _answer(survey, world.units["district"].pk, "2")
    log = sites.apply(sites.export())
    assert log.counts["survey_answers"] == 2
    assert Response.objects.filter(survey=survey, channel="portal").count() == 2

    # The same answer again under its reference (a portal restored from a backup, say): not written twice;
    # one for a district the survey does not cover: refused and recorded.
    again = online.PortalAnswer(
        ref=f"portal-t:{first.ref}",
        survey_id=survey.pk,
        district_id=world.units["district"].pk,
        answers={survey.questions.get().pk: 5},
        answered_at=dt.datetime.now(dt.UTC),
    )
    stray = online.PortalAnswer(
        **{**again.__dict__, "ref": "portal-t:other", "district_id": world.units["city"].pk}
    )
    counts = online.do_record_portal_answers(actor=CLI, answers=[again, stray])
    assert counts == {"survey_repeated": 1, "survey_refused": 1}
    assert Response.objects.filter(survey=survey).count() == 2
    entry = AuditEntry.objects.filter(action="survey.portal_answers").order_by("-id").first()
    assert (
        entry is not None and entry.after["refused_invalid"] == 1 and "不符" in entry.after["reason_invalid"]
    )


def test_a_version_1_package_without_survey_parts_still_applies(sites):
    sites.submit()
    old = _resign(sites, sites.export(), version=1)
    log = sites.apply(old)
    assert log.counts["submissions"] == 1 and "survey_answers" not in log.counts
    assert package.VERSION == 2
