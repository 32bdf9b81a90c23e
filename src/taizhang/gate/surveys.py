"""The public survey on the portal site: the surveys the ledger sent, and anonymous answers sealed for it.

The ledger sends its open surveys in each return package whose list changed (ferry.ledger_side); `store`
keeps them and marks closed the ones no longer listed. An answer is checked here under the ledger's rules
(publicity.actions: every question answered, a Likert value 1–5 or a listed option, a district of the survey)
so it is not refused over there, then sealed to the ledger's key with its time and stored under a random
reference; it goes up in the next package and is deleted once the ledger acknowledged that package. No address,
agent or other network detail is stored (the rate limits count a keyed hash that dies with its window).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.core.errors import ActionError
from taizhang.ferry import keys
from taizhang.gate import sealing
from taizhang.gate.models import PublicSurvey, SurveyAnswer
from taizhang.portal import abuse
from taizhang.publicity.choices import QuestionKind


def store(rows: Iterable[dict[str, Any]]) -> int:
    """The ledger's list of open surveys: kept as sent; surveys no longer listed are closed here."""
    listed = []
    for row in rows:
        PublicSurvey.objects.update_or_create(
            ledger_id=int(row["id"]),
            defaults={
                "title": str(row["title"])[:120],
                "period_start": dt.date.fromisoformat(row["period_start"]),
                "period_end": dt.date.fromisoformat(row["period_end"]),
                "questions": list(row["questions"]),
                "districts": list(row["districts"]),
                "is_open": True,
            },
        )
        listed.append(int(row["id"]))
    PublicSurvey.objects.exclude(ledger_id__in=listed).update(is_open=False)
    return len(listed)


def clean_answers(survey: PublicSurvey, district: str, raw: dict[str, Any]) -> tuple[int, dict[str, int]]:
    """The district and the values by question id (text keys, as JSON carries them), or a clear refusal."""
    districts = {str(d["id"]) for d in survey.districts}
    if district not in districts:
        raise ActionError("invalid_district", _("请选择所在区县。"))
    clean: dict[str, int] = {}
    for n, q in enumerate(sorted(survey.questions, key=lambda q: (q["order"], q["id"])), start=1):
        value = str(raw.get(str(q["id"])) or "")
        if not value:
            raise ActionError("unanswered", _("请回答第 %(n)s 题：%(t)s") % {"n": n, "t": q["text"]})
        allowed = range(1, 6) if q["kind"] == QuestionKind.LIKERT else range(len(q["options"]))
        if not value.isdigit() or len(value) > 3 or int(value) not in allowed:
            raise ActionError("invalid_answer", _("第 %(n)s 题的答案无效。") % {"n": n})
        clean[str(q["id"])] = int(value)
    return int(district), clean


def do_answer(
    ledger_id: int, *, district: str, answers: dict[str, Any], challenge_nonce: str
) -> SurveyAnswer:
    """One anonymous answer, sealed for the ledger, stored with the proof-of-work challenge spent."""
    survey = PublicSurvey.objects.filter(ledger_id=ledger_id).first()
    if survey is None or not survey.is_open:
        raise ActionError("survey_closed", _("本次调查不在进行中，不能再提交答卷。"))
    district_id, clean = clean_answers(survey, district, answers)
    try:
        ledger = keys.ledger_public_key()
    except keys.KeysMissing as exc:
        raise ActionError("no_office", _("网上调查暂未开通。")) from exc
    sealed = sealing.seal_json(
        ledger,
        {
            "survey": survey.ledger_id,
            "district": district_id,
            "answers": clean,
            "answered_at": timezone.now().isoformat(),
        },
    )
    with transaction.atomic():
        abuse.spend_challenge(challenge_nonce)
        return SurveyAnswer.objects.create(survey=survey, ref=secrets.token_hex(16), for_ledger=sealed)
