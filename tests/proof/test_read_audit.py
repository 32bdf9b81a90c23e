"""Sensitive reads leave an audit row naming who read what: every export and generated document, evidence
downloads and the reporter thread (page and API). Routes that hand out a file (.xlsx/.docx or a download) are
found from the URL configuration, so a new one without an audit row fails here."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from taizhang.core.models import AuditEntry
from tests.cases.conftest import CaseMaker
from tests.rectification.conftest import Rect
from tests.reporters.conftest import _portal_settings  # noqa: F401 - the portal's settings fixture
from tests.reporters.helpers import portal_clue

# Routes that hand out a file, each with the test below that reads it and checks the audit row.
COVERED = {
    "clues:export": "the clue ledger (tests/clues)",
    "api:export": "the clue ledger through the API (tests/clues)",
    "clues:attachment": "a clue attachment (tests/clues)",
    "clues:letter": "a transfer letter (tests/clues)",
    "cases:export": "here",
    "rectification:letters_export": "here",
    "rectification:list_export": "here",
    "rectification:evidence": "here",
    "reports:summary_xlsx": "here",
    "supervision:urging_docx": "tests/supervision/test_views.py",
    "cases:assets_export": "here",
    "publicity:typical_export": "here",
    "jobs:download": "here",
    "people:graph_export": "the graph of an entity (tests/people/test_pages.py)",
}


def _file_routes() -> set[str]:
    found: set[str] = set()

    def walk(patterns, ns=""):  # type: ignore[no-untyped-def]
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{ns}{p.namespace}:" if p.namespace else ns)
            elif isinstance(p, URLPattern):
                route = str(p.pattern)
                if route.endswith((".xlsx", ".docx")) or "download" in (p.name or "") or "evidence" in route:
                    found.add(f"{ns}{p.name}")

    walk(get_resolver().url_patterns)
    return found


def test_every_file_route_is_covered():
    missing = _file_routes() - set(COVERED)
    assert not missing, f"file routes with no audited-read test: {sorted(missing)}"


def _reads(user, action: str) -> int:
    return AuditEntry.objects.filter(actor=user, action=action).count()


@pytest.mark.parametrize(
    ("url", "action"),
    [
        ("/cases/export.xlsx", "case.export"),
        ("/rectification/letters/export.xlsx", "letter.export"),
        ("/reports/summary.xlsx", "report.summary_export"),
        ("/reports/assessment/?format=xlsx", "report.assessment_export"),
        ("/reports/bulletin/?format=docx", "report.bulletin_read"),
        ("/cases/assets/export.xlsx", "case.assets_export"),
    ],
)
def test_exports_and_documents_are_audited(world, url, action):
    CaseMaker(world).register()
    Rect(world).letter()
    leader = world.people["office_leader"]
    assert world.client_for("office_leader").get(url).status_code == 200
    assert _reads(leader, action) == 1


def test_problem_list_export_and_evidence_are_audited(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from taizhang.rectification.models import Measure

    rect = Rect(world)
    problem_list = rect.problem_list()
    staff = world.people["office_staff"]
    assert (
        world.client_for("office_staff")
        .get(f"/rectification/lists/{problem_list.pk}/export.xlsx")
        .status_code
        == 200
    )
    assert _reads(staff, "problem_list.export") == 1
    letter = rect.replied()
    m = Measure.objects.filter(problem__problem_list__letter=letter).first()
    world.client_for("liaison").post(
        f"/rectification/measures/{m.pk}/progress/",
        {
            "body": "完成",
            "request_completion": "on",
            "version": m.version,
            "evidence": SimpleUploadedFile("a.txt", b"x"),
        },
    )
    evidence = m.reports.get().evidence.get()
    assert world.client_for("office_staff").get(f"/rectification/evidence/{evidence.pk}/").status_code == 200
    assert _reads(staff, "rectification.evidence_read") == 1


def test_the_reporter_thread_is_audited_on_the_page_and_through_the_api(world):
    clue = portal_clue()
    staff = world.people["office_staff"]
    client = world.client_for("office_staff")
    assert client.get(f"/reporters/clues/{clue.pk}/").status_code == 200
    assert client.get(f"/api/reporters/clues/{clue.pk}/messages").status_code == 200
    assert _reads(staff, "reporter.thread_read") == 2


def test_typical_cases_document_is_audited(world):
    from taizhang.publicity import actions as publicity

    case = CaseMaker(world).register()
    typical = publicity.do_draft_typical(
        actor=world.people["office_staff"], case_id=case.pk, title="典型案例"
    )
    publicity.do_approve_typical(typical.pk, actor=world.people["office_leader"])
    leader = world.people["office_leader"]
    assert world.client_for("office_leader").get("/publicity/typical/export.docx").status_code == 200
    assert _reads(leader, "typical.export") == 1


def test_a_jobs_document_download_is_audited(world):
    from taizhang.core import files
    from taizhang.jobs.models import Job

    staff = world.people["office_staff"]
    stored = files.store([b"%PDF-1.4 test"], prefix="jobs")
    job = Job.objects.create(
        kind="reports.bulletin",
        created_by=staff,
        status="done",
        result={"storage_path": stored.storage_path, "name": "通报.pdf", "content_type": "application/pdf"},
    )
    response = world.client_for("office_staff").get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert _reads(staff, "jobs.download") == 1
    # Only the person who started the job downloads it (and a refusal reads nothing).
    assert world.client_for("office_leader").get(f"/jobs/{job.pk}/download/").status_code == 404
    assert _reads(world.people["office_leader"], "jobs.download") == 0
