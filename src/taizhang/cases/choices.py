"""Vocabularies of a case, its stages and the allowed stage transitions, written once as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgType(models.TextChoices):
    MAFIA = "mafia", _("黑社会性质组织")
    CRIMINAL_GROUP = "criminal_group", _("恶势力犯罪集团")
    GANG = "gang", _("恶势力团伙")
    VILLAGE_BULLY = "village_bully", _("村霸")
    OTHER = "other", _("其他")


# The organisation types the office counts as 涉黑涉恶组织 (orgs.total).
COUNTED_ORG_TYPES = frozenset({OrgType.MAFIA, OrgType.CRIMINAL_GROUP, OrgType.GANG, OrgType.VILLAGE_BULLY})


class CaseStage(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    INVESTIGATION = "investigation", _("立案侦查")
    ARREST = "arrest", _("提请批捕/批捕")
    PROSECUTION = "prosecution", _("移送起诉/起诉")
    FIRST_INSTANCE = "first_instance", _("一审")
    SECOND_INSTANCE = "second_instance", _("二审")
    EFFECTIVE = "effective", _("判决生效")
    EXECUTION = "execution", _("执行")


St = CaseStage
# The stage a case may move to next, from the stage it is at. No skipping: 立案侦查 cannot go straight to 执行.
# A first-instance judgment that nobody appeals becomes effective without a second instance.
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    St.REGISTERED: frozenset({St.INVESTIGATION}),
    St.INVESTIGATION: frozenset({St.ARREST}),
    St.ARREST: frozenset({St.PROSECUTION}),
    St.PROSECUTION: frozenset({St.FIRST_INSTANCE}),
    St.FIRST_INSTANCE: frozenset({St.SECOND_INSTANCE, St.EFFECTIVE}),
    St.SECOND_INSTANCE: frozenset({St.EFFECTIVE}),
    St.EFFECTIVE: frozenset({St.EXECUTION}),
    St.EXECUTION: frozenset(),
}
# Stages with a second date: the judgment (宣判) of a trial that began (受理) on the event's date.
JUDGED_STAGES = frozenset({St.FIRST_INSTANCE, St.SECOND_INSTANCE})
# A case may be concluded (办结) once a judgment is effective.
CONCLUDABLE_STAGES = frozenset({St.EFFECTIVE, St.EXECUTION})


class CaseStatus(models.TextChoices):
    OPEN = "open", _("在办")
    CONCLUDED = "concluded", _("已办结")


STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.CONCLUDED}),
    CaseStatus.CONCLUDED: frozenset({CaseStatus.OPEN}),
}


class Screening(models.TextChoices):
    """逐案过筛: whether the case was screened for officials shielding it (保护伞)."""

    UNSCREENED = "unscreened", _("未过筛")
    CHECKING = "checking", _("正在核查")
    NOT_FOUND = "not_found", _("未发现")
    CLUE_FOUND = "clue_found", _("发现线索")


SCREENING_TRANSITIONS: dict[str, frozenset[str]] = {
    Screening.UNSCREENED: frozenset({Screening.CHECKING, Screening.NOT_FOUND, Screening.CLUE_FOUND}),
    Screening.CHECKING: frozenset({Screening.NOT_FOUND, Screening.CLUE_FOUND}),
    Screening.NOT_FOUND: frozenset({Screening.CLUE_FOUND}),
    Screening.CLUE_FOUND: frozenset(),
}
# Screening results that let a case be concluded.
SCREENED = frozenset({Screening.NOT_FOUND, Screening.CLUE_FOUND})


class CheckKind(models.TextChoices):
    """一案三查: every 涉黑涉恶 case is checked three ways before it may be concluded."""

    CRIME = "crime", _("查办案件本身")
    UMBRELLA = "umbrella", _("查保护伞")
    RESPONSIBILITY = "responsibility", _("查监管和基层组织责任")


class CheckStatus(models.TextChoices):
    OPEN = "open", _("核查中")
    CONCLUDED = "concluded", _("已查结")


CHECK_TRANSITIONS: dict[str, frozenset[str]] = {
    CheckStatus.OPEN: frozenset({CheckStatus.CONCLUDED}),
    CheckStatus.CONCLUDED: frozenset({CheckStatus.OPEN}),
}


class Measure(models.TextChoices):
    """问责措施 taken against a person whose failure let the organisation grow."""

    ADMONISH = "admonish", _("诫勉谈话")
    PARTY = "party", _("党纪处分")
    GOVERNMENT = "government", _("政务处分")
    REASSIGN = "reassign", _("组织调整")
    JUDICIARY = "judiciary", _("移送司法")


class AssetKind(models.TextChoices):
    CASH = "cash", _("现金/存款")
    PROPERTY = "property", _("房产")
    VEHICLE = "vehicle", _("车辆")
    EQUITY = "equity", _("股权")
    OTHER = "other", _("其他")


class AssetMeasure(models.TextChoices):
    SEAL = "seal", _("查封")
    SEIZE = "seize", _("扣押")
    FREEZE = "freeze", _("冻结")


class Disposal(models.TextChoices):
    CONFISCATE = "confiscate", _("没收")
    RECOVER = "recover", _("追缴")
    RETURN = "return", _("返还被害人")
    AUCTION = "auction", _("拍卖")


class AssetStatus(models.TextChoices):
    HELD = "held", _("在押")
    PLANNED = "planned", _("待处置")
    DISPOSED = "disposed", _("已处置")


ASSET_TRANSITIONS: dict[str, frozenset[str]] = {
    AssetStatus.HELD: frozenset({AssetStatus.PLANNED}),
    AssetStatus.PLANNED: frozenset({AssetStatus.PLANNED, AssetStatus.DISPOSED}),
    AssetStatus.DISPOSED: frozenset(),
}
# The national office's rule: seized assets are disposed of within three months of the effective judgment.
DISPOSAL_MONTHS = 3


class GroupRole(models.TextChoices):
    """A suspect's place in the criminal group (组织、领导、积极参加、一般参加)."""

    ORGANISER = "organiser", _("组织者")
    LEADER = "leader", _("领导者")
    CORE = "core", _("骨干成员")
    MEMBER = "member", _("一般成员")


class SuspectStatus(models.TextChoices):
    """Where a suspect is: at large, caught, or a fugitive caught (缉拿归案)."""

    AT_LARGE = "at_large", _("在逃")
    CAUGHT = "caught", _("已抓获")
    FUGITIVE_CAUGHT = "fugitive_caught", _("缉拿归案")


# Once a case has suspect records, its counts are theirs (cases/suspects.py sync_case_counts):
# 抓获人数 counts everyone in custody, 缉拿逃犯人数 the fugitives caught, 在逃人数 those still at large.
IN_CUSTODY = frozenset({SuspectStatus.CAUGHT, SuspectStatus.FUGITIVE_CAUGHT})
