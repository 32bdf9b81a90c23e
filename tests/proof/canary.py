"""Canary markers for the leak test: a unique string in every text field of every record someone must not see.

`plant(proof)` writes a marker into each text field of each context clue (and its subjects, assignments,
reports, findings, transfers, links), of each record of tests/proof/records.py, into the sealed reporter
identities, and then runs the actions that carry text into derived places with markers of their own: an
identity reveal with its reason, a 保护伞 screening note, a 保护伞 clue's finding signed (the office is told),
a worker pass (reminders, urging, escalation, emails, digests). Each marker remembers who may read it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core import mail
from django.db import models
from django.test import TestCase
from django.utils import timezone

from taizhang.cases import actions as case_actions
from taizhang.cases.choices import Screening
from taizhang.clues import actions
from taizhang.clues.choices import FindingResult, ReporterKind, ReportStage
from taizhang.clues.models import Clue, Reporter
from taizhang.core import sealing
from taizhang.org.models import User
from taizhang.reporters.actions import do_reveal_identity
from taizhang.supervision import worker
from tests.proof import matrix
from tests.proof.conftest import Proof

# Fields that are identifiers or machine values, not text a person wrote.
NOT_TEXT = {
    "number",
    "key",
    "code",
    "path",
    "storage_path",
    "sha256",
    "content_type",
    "import_key",
    "claimed_by",
    "deadline_step",
    "sealed_identity",
    "screening_note",  # planted through the screening action below, with its own readers
    "password",
    "target_label",  # a copy of the target's label, planted with the target
}
# Children of a clue that carry text, by the name of their foreign key to it.
CLUE_CHILDREN = (
    ("clues.ReportedSubject", "clue"),
    ("clues.Assignment", "clue"),
    ("clues.StageReport", "clue"),
    ("clues.Finding", "clue"),
    ("clues.Transfer", "clue"),
    ("clues.TransferOutcome", "transfer__clue"),
    ("clues.ClueLink", "from_clue"),
)
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
}


@dataclass
class Canary:
    """Every marker planted, with what it is and who may read it; the mail the actions and the worker sent."""

    readers: dict[str, frozenset[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    outbox: list[Any] = field(default_factory=list)
    _seq: Any = field(default_factory=lambda: itertools.count(1))

    def new(self, label: str, readers: frozenset[str]) -> str:
        marker = f"QZX{next(self._seq):05d}"
        self.readers[marker] = frozenset(readers)
        self.labels[marker] = label
        return marker

    def forbidden_in(self, text: str, persona: str) -> list[str]:
        """The markers in `text` that `persona` must not read, described."""
        if "QZX" not in text:
            return []
        return [
            f"{m} ({self.labels[m]})"
            for m, readers in self.readers.items()
            if persona not in readers and m in text
        ]


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.name not in NOT_TEXT
        and (getattr(f, "max_length", None) or 100) >= 8
    ]


def _plant_rows(canary: Canary, qs: Any, label: str, readers: frozenset[str]) -> None:
    model = qs.model
    fields = _text_fields(model)
    for pk in qs.values_list("pk", flat=True):
        values = {f.name: canary.new(f"{label} {model.__name__}.{f.name}", readers) for f in fields}
        if values:
            model._default_manager.filter(pk=pk).update(**values)


def plant(proof: Proof) -> Canary:
    canary = Canary()
    for context, clue in proof.clues.items():
        readers = matrix.VIEWERS[context]
        _plant_rows(canary, Clue.objects.filter(pk=clue.pk), f"{context} clue", readers)
        for label, fk in CLUE_CHILDREN:
            _plant_rows(
                canary, apps.get_model(label).objects.filter(**{fk: clue}), f"{context} clue", readers
            )
        identity = {"name": canary.new(f"{context} reporter identity", frozenset())}
        Reporter.objects.filter(clue=clue).update(
            kind=ReporterKind.REAL_NAME, sealed_identity=sealing.seal(identity)
        )
    for kind, label in RECORD_MODELS.items():
        model = apps.get_model(label)
        for context, pk in proof.records.ids.get(kind, {}).items():
            _plant_rows(
                canary, model.objects.filter(pk=pk), f"{context} {kind}", matrix.viewers(kind, context)
            )
    _derived(canary, proof)
    return canary


def _derived(canary: Canary, proof: Proof) -> None:
    """Actions that carry text into the timeline, the case page, notifications, mail and worker messages.
    Their notifications are queued on commit; the module's world never commits, so they are run here."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        _act(canary, proof)
    # A worker pass long after every deadline (reminders, urging, escalation), then the digests at 09:00.
    later = timezone.localtime(timezone.now() + dt.timedelta(days=60)).replace(hour=9, minute=0)
    worker.run_once(later)
    worker.run_once(later + dt.timedelta(hours=1))
    canary.outbox = list(mail.outbox)


def _act(canary: Canary, proof: Proof) -> None:
    # Everyone reads mail; some want a daily digest instead.
    for user in User.objects.all():
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@example.invalid")
    User.objects.filter(username__in=["office_staff", "liaison", "district_staff"]).update(
        wants_daily_digest=True
    )
    p = {k: User.objects.get(pk=u.pk) for k, u in proof.world.people.items()}
    mail.outbox = []
    # Reveal reasons: the timeline shows them to the office managing the clue, nobody else.
    for context in ("own", "other", "recused", "transferred"):
        readers = matrix.VIEWERS[context] & matrix.MANAGERS
        reason = canary.new(f"{context} reveal reason", readers) + "：核实举报人身份以便反馈"
        do_reveal_identity(proof.clues[context].pk, actor=p["custodian"], reason=reason, second_factor=True)
    _reporter_thread(canary, p)
    # A 保护伞 screening note: only who may see the 保护伞 clue it raises.
    note = canary.new("police case screening note", matrix.VIEWERS["umbrella"]) + " 过筛发现某所长收受好处"
    case_actions.do_screen_case(
        proof.records.ids["case"]["police"], actor=p["office_leader"], result=Screening.CLUE_FOUND, note=note
    )
    # The 保护伞 clue's finding, signed: the office is told (its leaders only may read the clue).
    umbrella = proof.clues["umbrella"].pk
    body = canary.new("umbrella clue first report", matrix.VIEWERS["umbrella"])
    actions.do_file_stage_report(umbrella, actor=p["discipline_handler"], stage=ReportStage.FIRST, body=body)
    basis = canary.new("umbrella clue finding", matrix.VIEWERS["umbrella"])
    actions.do_record_finding(
        umbrella, actor=p["discipline_handler"], result=FindingResult.SUBSTANTIATED, basis=basis
    )
    actions.do_sign_finding(umbrella, actor=p["discipline_leader"])


def _reporter_thread(canary: Canary, p: dict[str, User]) -> None:
    """A portal clue given to transport, with the reporter's message and the office's reply: the thread is
    for the office managing the clue (the reporter-thread pages and API refuse the unit)."""
    from taizhang.portal import actions as portal
    from taizhang.reporters.actions import do_reply_to_reporter
    from tests.reporters.helpers import portal_clue

    clue = portal_clue(real_name=False)
    actions.do_triage_clue(clue.pk, actor=p["office_staff"], in_scope=True, category="evil")
    actions.do_assign_clue(clue.pk, actor=p["office_staff"], unit=p["liaison"].unit)
    thread = frozenset(matrix.CITY_OFFICE & matrix.MANAGERS)
    portal.do_add_reporter_message(
        clue.receipt.pk,
        body=canary.new("reporter message", thread) + " 我又看到他们在工地打人",
        attachments=[],
    )
    do_reply_to_reporter(
        clue.pk, actor=p["office_staff"], body=canary.new("office reply", thread) + " 已收到"
    )
