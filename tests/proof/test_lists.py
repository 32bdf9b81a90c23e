"""Lists show exactly the records a person may see: every record of tests/proof/records.py, on every list.

The matrix proves that a record's own pages answer 404 outside its viewers; here every list page and list
API operation is read by every persona and must show the records of matrix.RECORD_VIEWERS that the persona
sees, and none of the others (each found by a field the list displays).
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps

from tests.proof import matrix
from tests.proof.conftest import Proof

# list route -> (record kind, model, the field the list shows)
LISTS: dict[str, tuple[str, str, str]] = {
    "/cases/": ("case", "cases.Case", "name"),
    "/rectification/": ("list", "rectification.ProblemList", "title"),
    "/rectification/letters/": ("letter", "rectification.Letter", "number"),
    "/supervision/listed/": ("listed", "supervision.ListedSupervision", "target_label"),
    "/supervision/notices/": ("notice", "supervision.PointNotice", "title"),
    "/supervision/meetings/": ("meeting", "supervision.Meeting", "title"),
    "/supervision/tasks/": ("task", "supervision.Task", "title"),
    "/supervision/urging/": ("urging", "supervision.UrgingNotice", "number"),
    "/reports/": ("report", "reports.PeriodicReport", "title"),
    "/api/cases/cases": ("case", "cases.Case", "name"),
    "/api/rectification/letters": ("letter", "rectification.Letter", "number"),
    "/api/rectification/lists": ("list", "rectification.ProblemList", "title"),
    "/api/supervision/listed": ("listed", "supervision.ListedSupervision", "target_label"),
    "/api/supervision/extensions": ("extension", "supervision.Extension", "reason"),
    "/api/reports/reports": ("report", "reports.PeriodicReport", "title"),
}


def _shown(proof: Proof, url: str, persona: str) -> str:
    if url.startswith("/api/"):
        response = proof.api_client(persona).get(url)
        assert response.status_code == 200, (url, persona, response.status_code)
        return json.dumps(response.json(), ensure_ascii=False)
    response = proof.client(persona).get(url)
    assert response.status_code == 200, (url, persona, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("url", sorted(LISTS))
def test_lists_show_exactly_the_visible_records(proof, db, url):
    kind, label, field = LISTS[url]
    model = apps.get_model(label)
    texts = {
        context: str(getattr(model.objects.get(pk=pk), field))
        for context, pk in proof.records.ids[kind].items()
    }
    problems = []
    for persona in matrix.PERSONAS:
        page = _shown(proof, url, persona)
        for context, text in texts.items():
            sees = persona in matrix.RECORD_VIEWERS[kind][context]
            if sees and text not in page:
                problems.append(f"{persona}: misses the {context} {kind} ({text})")
            if not sees and text in page:
                problems.append(f"{persona}: is shown the {context} {kind} ({text})")
    assert not problems, f"{url}:\n  " + "\n  ".join(problems)
