"""States and vocabularies of a clue, and the allowed transitions, written once as data."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

# The longest 反映内容 a clue may carry (forms and API alike): a long letter, not a book.
FACTS_MAX_LENGTH = 20_000


class Channel(models.TextChoices):
    LETTER = "letter", _("群众来信")
    VISIT = "visit", _("来访")
    PHONE = "phone", _("电话/热线")
    ONLINE = "online", _("电子邮件/网络")
    PLATFORM_12337 = "platform_12337", _("12337平台交办")
    SUPERIOR = "superior", _("上级交办")
    AGENCY = "agency", _("部门移送")
    PETITION = "petition", _("信访转办")
    SCREENING = "screening", _("排查发现")
    INSPECTION = "inspection", _("现场检查")
    PORTAL = "portal", _("网络举报")
    OTHER = "other", _("其他")


class Category(models.TextChoices):
    MAFIA = "mafia", _("涉黑")
    EVIL = "evil", _("涉恶")
    UMBRELLA = "umbrella", _("保护伞")
    DISORDER = "disorder", _("乱点")
    OTHER = "other", _("其他")


class Priority(models.TextChoices):
    NORMAL = "normal", _("一般")
    HIGH = "high", _("重要")
    URGENT = "urgent", _("紧急")


class ClueStatus(models.TextChoices):
    REGISTERED = "registered", _("待分流")
    TRIAGED = "triaged", _("待交办")
    REFERRED = "referred", _("已转办")
    ASSIGNED = "assigned", _("待首次回告")
    VERIFYING = "verifying", _("核查中")
    AWAITING_SIGNOFF = "awaiting_signoff", _("待签字背书")
    UNDER_REVIEW = "under_review", _("待审核")
    RETURNED = "returned", _("退查重办")
    ACCEPTED = "accepted", _("结论已审核")
    TRANSFERRED = "transferred", _("已移送")
    CONCLUDED = "concluded", _("已办结")
    MERGED = "merged", _("已串并")


class ClueStep(models.TextChoices):
    """The steps of a clue's life; each is one action in clues/actions/."""

    TRIAGE = "triage", _("分流")
    REFER = "refer", _("转办")
    ASSIGN = "assign", _("交办")
    REASSIGN = "reassign", _("改派")
    FIRST_REPORT = "first_report", _("首次回告")
    PROGRESS_REPORT = "progress_report", _("二次回告")
    RECORD_FINDING = "record_finding", _("提交核查结论")
    SIGN = "sign", _("签字背书")
    REFUSE_SIGNOFF = "refuse_signoff", _("退回承办人")
    ACCEPT = "accept", _("审核通过")
    SEND_BACK = "send_back", _("退查")
    TRANSFER = "transfer", _("移交移送")
    ANSWER_TRANSFER = "answer_transfer", _("答复移送")
    TRANSFER_RETURNED = "transfer_returned", _("移送退回")
    CONCLUDE = "conclude", _("办结")
    REOPEN = "reopen", _("重新启动")
    MERGE = "merge", _("串并")
    WITHDRAW = "withdraw", _("回避撤回")


S = ClueStatus
# The whole life of a clue, written once: step -> (states it may start from, state it leads to; None = unchanged).
CLUE_STEPS: dict[str, tuple[frozenset[str], str | None]] = {
    ClueStep.TRIAGE: (frozenset({S.REGISTERED, S.TRIAGED}), S.TRIAGED),
    ClueStep.REFER: (frozenset({S.REGISTERED, S.TRIAGED}), S.REFERRED),
    ClueStep.ASSIGN: (frozenset({S.TRIAGED}), S.ASSIGNED),
    ClueStep.REASSIGN: (frozenset({S.ASSIGNED, S.VERIFYING, S.RETURNED}), S.ASSIGNED),
    ClueStep.FIRST_REPORT: (frozenset({S.ASSIGNED}), S.VERIFYING),
    ClueStep.PROGRESS_REPORT: (frozenset({S.VERIFYING, S.RETURNED}), None),
    ClueStep.RECORD_FINDING: (frozenset({S.VERIFYING, S.RETURNED}), S.AWAITING_SIGNOFF),
    ClueStep.SIGN: (frozenset({S.AWAITING_SIGNOFF}), S.UNDER_REVIEW),
    ClueStep.REFUSE_SIGNOFF: (frozenset({S.AWAITING_SIGNOFF}), S.VERIFYING),
    ClueStep.ACCEPT: (frozenset({S.UNDER_REVIEW}), S.ACCEPTED),
    ClueStep.SEND_BACK: (frozenset({S.UNDER_REVIEW}), S.RETURNED),
    ClueStep.TRANSFER: (frozenset({S.ACCEPTED}), S.TRANSFERRED),
    ClueStep.ANSWER_TRANSFER: (frozenset({S.TRANSFERRED}), None),
    ClueStep.TRANSFER_RETURNED: (frozenset({S.TRANSFERRED}), S.ACCEPTED),
    ClueStep.CONCLUDE: (frozenset({S.ACCEPTED, S.TRANSFERRED}), S.CONCLUDED),
    ClueStep.REOPEN: (frozenset({S.CONCLUDED, S.REFERRED}), S.TRIAGED),
    ClueStep.MERGE: (frozenset({S.REGISTERED, S.TRIAGED, S.ASSIGNED, S.VERIFYING, S.RETURNED}), S.MERGED),
    # The unit holding the clue may no longer see it (recused, or the clue became 保护伞): back to the office.
    ClueStep.WITHDRAW: (frozenset({S.ASSIGNED, S.VERIFYING, S.AWAITING_SIGNOFF, S.RETURNED}), S.TRIAGED),
}


def allowed_steps(status: str) -> list[str]:
    """The steps a clue in `status` may take next (what the detail page offers)."""
    return [step for step, (sources, _target) in CLUE_STEPS.items() if status in sources]


# States in which a clue is still on the open ledger (not yet 销账).
OPEN_STATUSES = frozenset(
    {
        ClueStatus.REGISTERED,
        ClueStatus.TRIAGED,
        ClueStatus.ASSIGNED,
        ClueStatus.VERIFYING,
        ClueStatus.AWAITING_SIGNOFF,
        ClueStatus.UNDER_REVIEW,
        ClueStatus.RETURNED,
        ClueStatus.ACCEPTED,
        ClueStatus.TRANSFERRED,
    }
)
# "Due soon" (3日内到期): a deadline within this long from now (the home panel's figure, the ledger's filter).
DUE_SOON = dt.timedelta(days=3)
# States in which the assigned unit is the one expected to act.
WITH_UNIT_STATUSES = frozenset(
    {ClueStatus.ASSIGNED, ClueStatus.VERIFYING, ClueStatus.AWAITING_SIGNOFF, ClueStatus.RETURNED}
)


class FindingResult(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("查实")
    PARTLY = "partly", _("部分查实")
    UNFOUNDED = "unfounded", _("查否")
    UNVERIFIABLE = "unverifiable", _("无法核实")


class ReviewDecision(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("审核通过")
    RETURNED = "returned", _("退查")


class ReportStage(models.TextChoices):
    FIRST = "first", _("首次回告")
    PROGRESS = "progress", _("二次回告")
    FINAL = "final", _("末次回告")


class TransferKind(models.TextChoices):
    POLICE = "police", _("移交公安机关")
    PROCURATORATE = "procuratorate", _("移送检察机关")
    DISCIPLINE = "discipline", _("移送纪委监委")
    REGULATOR = "regulator", _("移交行业主管部门")


class TransferAnswer(models.TextChoices):
    PENDING = "pending", _("待答复")
    FILED = "filed", _("受理并立案")
    DECLINED = "declined", _("不予立案")
    MERGED = "merged", _("并案处理")
    RETURNED = "returned", _("退回")


class SubjectKind(models.TextChoices):
    PERSON = "person", _("个人")
    ORGANISATION = "organisation", _("单位/组织")


class ReporterKind(models.TextChoices):
    ANONYMOUS = "anonymous", _("匿名")
    REAL_NAME = "real_name", _("实名")


class LinkKind(models.TextChoices):
    RELATED = "related", _("关联")
    DUPLICATE = "duplicate", _("重复（串并）")


def labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """Value -> translated label, computed once per request or export.

    Model.get_FOO_display() hashes every lazy label on each call, which costs about a millisecond per row on
    a busy machine; lists and exports look labels up in this dict instead.
    """
    return {value: str(label) for value, label in choices.choices}


# Assignment.ended_reason of an assignment ended because its unit had to step back (回避).
ENDED_BY_RECUSAL = "recusal"


class DeadlineStep(models.TextChoices):
    """The clue steps that carry a deadline (Clue.deadline_step; the names clue actions pass to `due_at`).
    Supervision reads them from here: one list of steps and their Chinese names."""

    TRIAGE = "triage", _("分流")
    ASSIGN = "assign", _("交办")
    FIRST_REPORT = "first_report", _("首次回告")
    VERIFICATION = "verification", _("核查")
    SIGNOFF = "signoff", _("签字背书")
    REVIEW = "review", _("审核")
    REDO = "redo", _("退查重办")
    TRANSFER = "transfer", _("移交移送")
    REGISTER_TRANSFER = "register_transfer", _("接收登记")
    CONCLUDE = "conclude", _("办结")


class ClueNotice(StrEnum):
    """What a clue action tells people (`notify_on_commit` in the action's body), valued by the action's name.
    Whom, and in what words, is supervision/notices.py's one table; the visibility rule keeps only people who
    may see the clue, when it is sent and again when it is shown."""

    ASSIGNED = "clue.assign"  # the unit's liaisons and the responsible person: report within the deadline
    REASSIGNED = "clue.reassign"  # the new unit's liaisons and responsible person
    FINDING_RECORDED = "clue.finding_recorded"  # the unit's leaders, when the finding awaits their signature
    FINDING_SIGNED = "clue.finding_signed"  # the office: a signed finding to review
    REVIEW_RETURNED = "clue.review_return"  # the unit's liaisons and responsible person: redo
    TRANSFERRED = "clue.transfer"  # the receiving unit's liaisons: register the transfer
    TRANSFER_ANSWERED = "clue.transfer_answered"  # the office
    WITHDRAWN_RECUSED = (
        "clue.withdraw_recused"  # the office, to assign again; the unit's pending requests end
    )
    # Steps after which fewer people may see the clue (it became 保护伞, a unit was recused or withdrawn): nobody
    # is told, and what was sent to people who lost the clue is blanked.
    EDITED = "clue.edit"
    TRIAGED = "clue.triage"
    RECUSED = "clue.recuse"
    WITHDRAWN = "clue.withdraw"
