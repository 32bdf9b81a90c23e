"""What the internet-facing portal site keeps: everything a citizen sent, sealed; nothing it can read back.

A report is stored three ways, none readable with this database, its files and its settings:
- `for_ledger`: sealed (X25519 sealed box) to the ledger's public key, carried over by the ferry;
- `own_copy`: sealed to the reporter's own key pair, whose secret half is kept only wrapped under a key
  derived from the passphrase (argon2id), so receipt + passphrase open it and nothing else does;
- replies, status and released wording from the ledger arrive already sealed to the reporter's key.

RateCounter and SpentChallenge are the abuse counters of every portal page (combined mode included).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SealedReport(models.Model):
    """One citizen's report as the portal site holds it: sealed for the ledger, sealed for the reporter."""

    # The receipt code the reporter holds (random, 16 digits); `ref` is what the ledger knows it by (random,
    # unrelated), so the receipt code never leaves the internet side.
    code = models.CharField(max_length=16, unique=True)
    ref = models.CharField(max_length=32, unique=True)
    kdf_salt = models.CharField(max_length=64)
    kdf_profile = models.CharField(max_length=40)
    reporter_public = models.CharField(max_length=64)
    wrapped_secret = models.TextField()
    own_copy = models.TextField()
    # Emptied once the ledger acknowledged the package that carried it.
    for_ledger = models.TextField(blank=True)
    # The latest status / released wording from the ledger, sealed to the reporter (empty = not yet told).
    status_sealed = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    package = models.PositiveIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("加密举报")

    def __str__(self) -> str:
        return self.ref


class ThreadMessage(models.Model):
    """A message in a report's thread: the reporter's (sealed twice) or the office's (sealed to the reporter)."""

    report = models.ForeignKey(SealedReport, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=10)
    for_ledger = models.TextField(blank=True)
    for_reporter = models.TextField()
    # The ledger's id of an office reply (a reverse package applied twice cannot add it twice).
    ledger_ref = models.CharField(max_length=40, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    package = models.PositiveIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.sender}"


class SealedFile(models.Model):
    """An attachment, sealed to the ledger's key and stored under var/files (its name is inside the seal)."""

    report = models.ForeignKey(SealedReport, on_delete=models.CASCADE, related_name="files")
    message = models.ForeignKey(ThreadMessage, null=True, blank=True, on_delete=models.CASCADE)
    storage_path = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return self.storage_path


class SectorOption(models.Model):
    """A sector the report form offers, as the ledger last sent them (the portal has no sector table of its own)."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class RateCounter(models.Model):
    """Requests counted per bucket and window; `client` is a keyed hash, rows die with their window."""

    bucket = models.CharField(max_length=40)
    # HMAC of the client address under a key derived from SECRET_KEY and the window ("" for the total).
    client = models.CharField(max_length=64, blank=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "client", "window_start"], name="gate_rate_unique")
        ]
        indexes = [models.Index(fields=["window_start"], name="gate_rate_window")]

    def __str__(self) -> str:
        return f"{self.bucket} {self.count}"


class SpentChallenge(models.Model):
    """A proof-of-work challenge already used, so one solution cannot be replayed until it expires."""

    nonce = models.CharField(max_length=40, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.nonce


class PublicSurvey(models.Model):
    """A 群众安全感满意度 survey as the ledger last sent it (the portal has no survey table of the ledger's).

    `ledger_id` is the survey's id on the ledger (the page's address and what answers name); questions and
    districts are kept as sent: [{"id", "order", "text", "kind", "options"}], [{"id", "name"}]."""

    ledger_id = models.PositiveBigIntegerField(unique=True)
    title = models.CharField(max_length=120)
    period_start = models.DateField()
    period_end = models.DateField()
    questions = models.JSONField(default=list)
    districts = models.JSONField(default=list)
    # False once a return package no longer lists it (the office closed it): the page then takes no answers.
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["-period_start", "-ledger_id"]
        verbose_name = _("网上调查问卷")

    def __str__(self) -> str:
        return self.title


class SurveyAnswer(models.Model):
    """One anonymous answer, sealed to the ledger's key (district, values, time); no network detail.

    `ref` is random and is what the ledger writes it once by; the row goes once the ledger acknowledged the
    package that carried it."""

    survey = models.ForeignKey(PublicSurvey, on_delete=models.PROTECT, related_name="answers")
    ref = models.CharField(max_length=32, unique=True)
    for_ledger = models.TextField()
    package = models.PositiveIntegerField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return self.ref
