"""The search index (one folded document per searchable record) and the duplicate-detection keys of clues."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """The searchable text of one record, folded into bigram tokens (indexed by FTS5 or a tsvector)."""

    # The record's label as in workflow_event ("clues.clue") and its primary key.
    model = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    # Space-separated folded tokens (bigrams, single Han characters, Latin/digit words); the database index
    # (search_fts on SQLite, the generated `tsv` column on PostgreSQL) is built from these.
    title_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)
    # Newer records first among equally ranked results.
    sort_at = models.DateTimeField(null=True, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("检索文档")
        constraints = [models.UniqueConstraint(fields=["model", "object_id"], name="search_doc_record")]
        # Matches are taken newest first (see query.RANK_WINDOW); this index lets the database stop early.
        indexes = [models.Index(fields=["model", "-sort_at"], name="search_doc_recent")]

    def __str__(self) -> str:
        return f"{self.model}#{self.object_id}"


class ClueKey(models.Model):
    """One duplicate-detection key of a clue: a MinHash band, a subject name+unit, a phone or an ID fragment."""

    class Kind(models.TextChoices):
        BAND = "band", _("反映内容近似")
        NAME_UNIT = "name_unit", _("被举报人姓名及单位相同")
        PHONE = "phone", _("电话号码相同")
        ID = "id", _("身份证号相同")

    clue = models.ForeignKey("clues.Clue", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # A signed 64-bit hash of the kind and the normalised value; equal keys mean a shared feature.
    key = models.BigIntegerField()

    class Meta:
        verbose_name = _("线索查重特征")
        # (key, clue) answers a lookup from the index alone (no table reads, see bench/dedupe.py); the foreign
        # key's own index serves deleting a clue's keys.
        indexes = [models.Index(fields=["key", "clue"], name="cluekey_key_clue")]

    def __str__(self) -> str:
        return f"{self.clue_id}:{self.kind}"
