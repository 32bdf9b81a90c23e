"""Kinds of entity, the roles a record gives one, relation types and the states of a merge proposal."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntityKind(models.TextChoices):
    PERSON = "person", _("个人")
    ORGANISATION = "organisation", _("单位/组织")


class MentionRole(models.TextChoices):
    """What a record says of the entity. Reporters are sealed and never become mentions."""

    REPORTED = "reported", _("被举报人")
    SUSPECT = "suspect", _("犯罪嫌疑人")
    UMBRELLA = "umbrella", _("保护伞嫌疑")
    HELD_TO_ACCOUNT = "accountable", _("问责对象")


class RelationKind(models.TextChoices):
    KIN = "kin", _("亲属")
    SUPERIOR = "superior", _("上下级")
    SAME_CASE = "same_case", _("同案")
    EMPLOYMENT = "employment", _("雇佣")
    MONEY = "money", _("资金往来")
    ASSOCIATE = "associate", _("其他关系")


class CandidateStatus(models.TextChoices):
    OPEN = "open", _("待确认")
    CONFIRMED = "confirmed", _("已合并")
    REJECTED = "rejected", _("不是同一对象")


class CandidateStep(models.TextChoices):
    CONFIRM = "confirm", _("确认合并")
    REJECT = "reject", _("不是同一对象")
    UNMERGE = "unmerge", _("撤销合并")


# Decisions a person takes on a proposal: step -> (allowed source states, target).
CANDIDATE_STEPS: dict[str, tuple[frozenset[str], str | None]] = {
    CandidateStep.CONFIRM: (frozenset({CandidateStatus.OPEN}), CandidateStatus.CONFIRMED),
    CandidateStep.REJECT: (frozenset({CandidateStatus.OPEN}), CandidateStatus.REJECTED),
    # An unmerge restores both parts and records that they are not the same.
    CandidateStep.UNMERGE: (frozenset({CandidateStatus.CONFIRMED}), CandidateStatus.REJECTED),
}
