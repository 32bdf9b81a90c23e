"""People and organisations across the ledger: entities, the records that name them, relations, merges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taizhang.cases.models import Accountability, Case, CaseSuspect
from taizhang.clues.models import Clue, ReportedSubject
from taizhang.people.choices import CandidateStatus, EntityKind, MentionRole, RelationKind

USER = settings.AUTH_USER_MODEL


class Entity(models.Model):
    """One person or organisation, resolved from the records that name it.

    Its own columns are resolution keys only: every page shows names, posts and fragments from the mentions
    the viewer may see (people/reading.py), never from here.
    """

    kind = models.CharField(_("类型"), max_length=20, choices=EntityKind.choices, default=EntityKind.PERSON)
    name = models.CharField(_("姓名/名称"), max_length=100)
    name_key = models.CharField(max_length=100, db_index=True)
    pinyin_key = models.CharField(max_length=200, blank=True, db_index=True)
    # Set only from a whole valid 18-digit ID: the one key that merges without a person deciding.
    id_number = models.CharField(max_length=18, blank=True, db_index=True)
    employer = models.CharField(_("所在单位"), max_length=120, blank=True)
    post = models.CharField(_("职务"), max_length=100, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_parts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("人员/组织")
        verbose_name_plural = _("人员/组织")
        # One live entity per ID number: two registrations of one person racing each other cannot both
        # create one (resolve.py takes the one that won).
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(merged_into=None) & ~Q(id_number=""),
                name="entity_live_id_number",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Mention(models.Model):
    """A record naming an entity, and in what role: a clue's subject, a case's suspect or accountability record."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="mentions")
    role = models.CharField(_("身份"), max_length=20, choices=MentionRole.choices)
    clue = models.ForeignKey(Clue, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # An edited clue's subjects are written afresh: the mention outlives its row until resolution re-reads it.
    subject = models.ForeignKey(
        ReportedSubject, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accountability = models.OneToOneField(
        Accountability, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A case's suspect record (犯罪嫌疑人): seen exactly as its case is.
    suspect = models.OneToOneField(
        CaseSuspect, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # As the record wrote it (what a viewer of that record reads anyway).
    name = models.CharField(_("姓名/名称"), max_length=100)
    unit_name = models.CharField(_("所在单位"), max_length=120, blank=True)
    post = models.CharField(_("身份/职务"), max_length=100, blank=True)
    id_fragment = models.CharField(_("身份证号（部分）"), max_length=20, blank=True)
    phone_fragment = models.CharField(_("电话（部分）"), max_length=20, blank=True)
    # Resolution keys (pure/names.py).
    name_key = models.CharField(max_length=100)
    pinyin_key = models.CharField(max_length=200, blank=True)
    id_key = models.CharField(max_length=20, blank=True)
    phone_key = models.CharField(max_length=20, blank=True)
    employer_key = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name = _("记录提及")
        verbose_name_plural = _("记录提及")
        indexes = [
            models.Index(fields=["entity", "clue"], name="mention_entity_clue"),
            models.Index(fields=["clue"], name="mention_clue"),
            # Each key with the id: resolution reads a key's oldest rows straight from the index.
            models.Index(fields=["name_key", "id"], name="mention_name_key_id"),
            models.Index(fields=["pinyin_key", "id"], name="mention_pinyin_key_id"),
            models.Index(fields=["id_key", "id"], name="mention_id_key_id"),
            models.Index(fields=["phone_key", "id"], name="mention_phone_key_id"),
        ]

    def __str__(self) -> str:
        return f"{self.entity_id}@{self.clue_id or self.case_id}"


class Relation(models.Model):
    """A typed link between two entities, entered by staff from a record that states it."""

    source = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="relations_out")
    target = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="relations_in")
    kind = models.CharField(_("关系类型"), max_length=20, choices=RelationKind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # The record stating the relation: it is shown only to people who see that record.
    clue = models.ForeignKey(
        Clue, verbose_name=_("依据线索"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("依据案件"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("关系")
        verbose_name_plural = _("关系")
        indexes = [
            models.Index(fields=["source", "kind"], name="relation_source"),
            models.Index(fields=["target", "kind"], name="relation_target"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}-{self.kind}-{self.target_id}"


class MergeCandidate(models.Model):
    """A proposal that two entities are one, with the reasons found and a score; a person decides."""

    first = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("相似度"))
    reasons = models.JSONField(default=list)
    status = models.CharField(
        _("状态"), max_length=12, choices=CandidateStatus.choices, default=CandidateStatus.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("疑似同一对象")
        verbose_name_plural = _("疑似同一对象")
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="candidate_pair")]
        indexes = [models.Index(fields=["status", "-score"], name="candidate_status_score")]

    def __str__(self) -> str:
        return f"{self.first_id}~{self.second_id}"


class MergeRecord(models.Model):
    """One merge as done: what moved from the absorbed entity to the kept one, so an unmerge restores it."""

    kept = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    absorbed = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(MergeCandidate, null=True, blank=True, on_delete=models.SET_NULL)
    mention_ids = models.JSONField(default=list)
    relations_out = models.JSONField(default=list)
    relations_in = models.JSONField(default=list)
    # The ID number the kept entity took from the absorbed one (given back by an unmerge).
    moved_id_number = models.CharField(max_length=18, blank=True)
    merged_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField()
    undone_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("合并记录")
        verbose_name_plural = _("合并记录")

    def __str__(self) -> str:
        return f"{self.absorbed_id}→{self.kept_id}"
