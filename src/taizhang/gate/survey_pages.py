"""The public survey pages of the portal site (/report/survey/): anonymous, under the portal's limits and
proof-of-work, nothing of the network stored. The combined site keeps its own page (publicity.views)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from taizhang.core.errors import ActionError
from taizhang.gate import surveys
from taizhang.gate.models import PublicSurvey
from taizhang.portal import abuse
from taizhang.portal.views import Malformed, guard, parse, public
from taizhang.publicity.choices import LIKERT


@require_GET
@public
def survey_list(request: HttpRequest) -> HttpResponse:
    """The surveys open now."""
    return render(request, "gate/survey_list.html", {"surveys": PublicSurvey.objects.filter(is_open=True)})


@require_http_methods(["GET", "POST"])
@public
def survey_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """One survey's form; on POST the answer is checked, sealed for the ledger and stored."""
    survey = PublicSurvey.objects.filter(ledger_id=pk, is_open=True).first()
    if survey is None:
        return render(request, "gate/survey_closed.html", status=404)
    chosen: dict[str, str] = {}
    error, status = "", 200
    if request.method == "POST":
        try:
            parse(request)
            chosen = {k: str(v) for k, v in request.POST.items() if k.startswith("q") or k == "district"}
            surveys.do_answer(
                survey.ledger_id,
                district=request.POST.get("district", ""),
                answers={k[1:]: v for k, v in chosen.items() if k.startswith("q")},
                challenge_nonce=guard(request, "survey"),
            )
        except Malformed as exc:
            return render(request, "portal/error.html", {"message": exc.message}, status=exc.status)
        except ActionError as exc:
            error, status = exc.message, exc.status if exc.status in (409, 429) else 400
        else:
            return render(request, "gate/survey_thanks.html", {"survey": survey})
    questions = [
        {**q, "chosen": chosen.get(f"q{q['id']}", "")}
        for q in sorted(survey.questions, key=lambda q: (q["order"], q["id"]))
    ]
    context = {
        "survey": survey,
        "questions": questions,
        "likert": [(str(v), label) for v, label in LIKERT],
        "chosen": chosen,
        "error": error,
        "challenge": abuse.new_challenge(),
        "pow_bits": abuse.pow_bits(),
    }
    return render(request, "gate/survey_answer.html", context, status=status)
