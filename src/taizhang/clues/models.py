"""The clue ledger: clues, their subjects and reporter, assignments, reports, findings, transfers, links."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.clues.choices import (
    OPEN_STATUSES,
    Category,
    Channel,
    ClueStatus,
    FindingResult,
    LinkKind,
    Priority,
    ReporterKind,
    ReportStage,
    ReviewDecision,
    SubjectKind,
    TransferAnswer,
    TransferKind,
)
from taizhang.clues.visibility.rule import clue_q
from taizhang.core.models import Versioned
from taizhang.org.models import Sector, Unit
from taizhang.org.visibility import Scope, VisibleQuerySet, scope_of

USER = settings.AUTH_USER_MODEL


class ClueQuerySet(VisibleQuerySet):
    """Clues, limited by the one visibility rule (clues/visibility/rule.py)."""

    @staticmethod
    def visibility_q(scope: Scope, one: bool = False) -> Q:
        """The rule: clues/visibility/rule.py (clue_q), with the forms derived from it."""
        return clue_q(scope, one=one)

    def visible_one(self, user: object, pk: int) -> ClueQuerySet:
        """The clue `pk` if `user` may see it: the same rule as visible_to, its subqueries correlated with the
        clue read, so that PostgreSQL probes the (unit, clue) indexes for that one clue instead of hashing every
        clue the unit ever handled. For reading one clue only: over a list, the correlated form would probe
        for every row.

        The rule is asked as an uncorrelated EXISTS about the same clue, which PostgreSQL plans on its own (and
        runs once, before the row is read) instead of folding its semi- and anti-joins into the join problem
        of the caller's select_related: with the detail page's six joins that planning cost 10-40 ms, this
        form ~1.5 ms (bench/ledger.py, docs/clues.md). Same rows, same rule."""
        scope = scope_of(user)
        if scope is None or scope.unit_id is None:
            return self.none()
        rules = self.model._default_manager
        return self.filter(
            rules.held_exists(scope, "one", lambda s: self.visibility_q(s, one=True), pk), pk=pk
        )

    def open(self) -> ClueQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: object = None) -> ClueQuerySet:
        return self.open().filter(deadline_at__lt=now or timezone.now())


# The columns the ledger's filters (except the text search) and the visibility rule read.
LEDGER_COLUMNS = [
    "status",
    "category",
    "channel",
    "is_umbrella",
    "office",
    "responsible_unit",
    "sector",
    "finding_result",
    "received_at",
    "deadline_at",
]


class Clue(Versioned):
    """A clue (线索): registered once, handled by a named unit and person, followed to an outcome."""

    number = models.CharField(_("线索编号"), max_length=40, unique=True)
    office = models.ForeignKey(Unit, verbose_name=_("受理机关"), on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("线索来源"), max_length=20, choices=Channel.choices)
    source_ref = models.CharField(_("来文编号"), max_length=60, blank=True)
    received_at = models.DateTimeField(_("受理时间"))
    summary = models.CharField(_("主要问题"), max_length=200)
    facts = models.TextField(_("反映内容"))
    sector = models.ForeignKey(
        Sector, verbose_name=_("行业领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("发生地点"), max_length=120, blank=True)
    alleges_umbrella = models.BooleanField(_("反映保护伞问题"), default=False)
    # Derived by the actions from alleges_umbrella, the category and officials among the subjects.
    is_umbrella = models.BooleanField(_("涉保护伞"), default=False, db_index=True)
    category = models.CharField(_("线索类别"), max_length=20, choices=Category.choices, blank=True)
    priority = models.CharField(_("优先级"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(
        _("办理状态"), max_length=20, choices=ClueStatus.choices, default=ClueStatus.REGISTERED
    )
    referred_to = models.CharField(_("转办单位"), max_length=100, blank=True)
    triage_note = models.TextField(_("分流意见"), blank=True)
    responsible_unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible_person = models.ForeignKey(
        USER, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The deadline of whatever step is due now; recomputed by every action that changes the step.
    deadline_at = models.DateTimeField(_("办理时限"), null=True, blank=True)
    deadline_step = models.CharField(_("时限环节"), max_length=30, blank=True)
    finding_result = models.CharField(_("核查结论"), max_length=20, choices=FindingResult.choices, blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重新启动次数"), default=0)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入线索"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    import_key = models.CharField(max_length=64, blank=True, db_index=True)
    registered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClueQuerySet.as_manager()

    class Meta:
        verbose_name = _("线索")
        verbose_name_plural = _("线索")
        ordering = ["-received_at", "-id"]
        # One covering index per sort key of the ledger (both directions: a B-tree reads backwards), carrying
        # every column the ledger's filters and the visibility rule read besides the text search: a page's ids
        # then come from an index-only scan, so a deep or filtered page never visits the skipped rows
        # (visibility.answers.page_of). The status-first one serves the status tabs and the default sort together.
        indexes = [
            models.Index(fields=["office", "-received_at", "-id"], name="clue_office_received"),
            models.Index(fields=["responsible_unit", "status"], name="clue_unit_status"),
            models.Index(
                fields=["status", "received_at", "id"],
                name="clue_status_received_cover",
                include=[c for c in LEDGER_COLUMNS if c not in ("status", "received_at")],
            ),
            models.Index(
                fields=["received_at", "id"],
                name="clue_received_cover",
                include=[c for c in LEDGER_COLUMNS if c != "received_at"],
            ),
            models.Index(
                fields=["deadline_at", "id"],
                name="clue_deadline_cover",
                include=[c for c in LEDGER_COLUMNS if c != "deadline_at"],
            ),
            models.Index(fields=["concluded_at", "id"], name="clue_concluded_cover", include=LEDGER_COLUMNS),
            models.Index(fields=["number"], name="clue_number_cover", include=LEDGER_COLUMNS),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.summary}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.deadline_at and self.deadline_at < timezone.now())


class ClueCounter(models.Model):
    """The last number issued per office and year; locked while a clue is registered, so numbers have no gaps."""

    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)
    # Python format string over year, seq and the office code, e.g. "{year}-SH-{seq:06d}"; a new year's
    # counter copies the office's previous pattern, so an administrator sets it once.
    pattern = models.CharField(_("编号格式"), max_length=60, default="{year}-SH-{seq:06d}")

    class Meta:
        verbose_name = _("线索编号计数器")
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="clue_counter_office_year")]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last}"


class ReportedSubject(models.Model):
    """A person or organisation a clue names (被举报人/单位)."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(_("类型"), max_length=20, choices=SubjectKind.choices, default=SubjectKind.PERSON)
    name = models.CharField(_("姓名/名称"), max_length=100)
    position = models.CharField(_("身份/职务"), max_length=100, blank=True)
    unit_name = models.CharField(_("所在单位"), max_length=100, blank=True)
    # Set when the named unit is one of ours: that unit is recused from the clue.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("对应本系统单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_official = models.BooleanField(_("公职人员"), default=False)
    id_fragment = models.CharField(_("身份证号（部分）"), max_length=20, blank=True)
    phone_fragment = models.CharField(_("电话（部分）"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("被举报对象")
        verbose_name_plural = _("被举报对象")
        indexes = [models.Index(fields=["name"], name="subject_name")]

    def __str__(self) -> str:
        return self.name


class Recusal(models.Model):
    """A unit that must never see or handle a clue, because the clue names it (回避)."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="recusals")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("回避单位")
        constraints = [models.UniqueConstraint(fields=["clue", "unit"], name="recusal_clue_unit")]
        indexes = [models.Index(fields=["unit", "clue"], name="recusal_unit_clue")]

    def __str__(self) -> str:
        return f"{self.clue_id} ⟂ {self.unit_id}"


class Reporter(models.Model):
    """The person who reported a clue; identity fields are sealed (encrypted) and shown only on a logged reveal."""

    clue = models.OneToOneField(Clue, on_delete=models.CASCADE, related_name="reporter")
    kind = models.CharField(
        _("举报方式"), max_length=20, choices=ReporterKind.choices, default=ReporterKind.ANONYMOUS
    )
    # taizhang.core.sealing text: name, phone, id number, address, contact preferences.
    sealed_identity = models.TextField(blank=True)
    wants_feedback = models.BooleanField(_("需要反馈"), default=False)

    class Meta:
        verbose_name = _("举报人")

    def __str__(self) -> str:
        return str(self.get_kind_display())


class Assignment(models.Model):
    """A clue given to a responsible unit and person with a deadline (交办); reassignments end the previous one."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        USER, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("办理时限"))
    instructions = models.TextField(_("交办要求"), blank=True)
    reason = models.TextField(_("改派理由"), blank=True)
    assigned_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField(default=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Why it ended early: "recusal" when the unit had to step back (the office's to-do list warns about it).
    ended_reason = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        indexes = [
            models.Index(fields=["unit", "clue"], name="assignment_unit_clue"),
            models.Index(fields=["clue", "is_current"], name="assignment_clue_current"),
        ]

    def __str__(self) -> str:
        return f"{self.clue_id} → {self.unit_id}"


class StageReport(models.Model):
    """A staged report from the responsible unit: first (plan), progress, final (with the finding)."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="stage_reports")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reports")
    stage = models.CharField(_("回告阶段"), max_length=20, choices=ReportStage.choices)
    body = models.TextField(_("回告内容"))
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("回告")
        verbose_name_plural = _("回告")
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.clue_id} {self.stage}"


class Finding(models.Model):
    """The unit's verification finding, signed for by its leader and reviewed by the office."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="findings")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="findings")
    result = models.CharField(_("核查结论"), max_length=20, choices=FindingResult.choices)
    basis = models.TextField(_("核查情况及依据"))
    drafted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    signed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(
        _("审核意见"), max_length=20, choices=ReviewDecision.choices, default=ReviewDecision.PENDING
    )
    review_note = models.TextField(_("审核说明"), blank=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("核查结论")
        verbose_name_plural = _("核查结论")
        ordering = ["drafted_at", "id"]

    def __str__(self) -> str:
        return f"{self.clue_id} {self.result}"


class TransferQuerySet(models.QuerySet["Transfer"]):
    def awaiting_answer(self) -> TransferQuerySet:
        """The transfers whose receiver has not answered yet (the latest of a clue's decides who owes it)."""
        return self.filter(answer=TransferAnswer.PENDING)

    def awaiting_answer_from(self, unit_id: int) -> TransferQuerySet:
        """The transfers awaiting `unit_id`'s answer: the home panel's 待答复移送, the ledger's `awaiting`
        filter, and (beside the clues it is responsible for) the only clues whose late step a unit can owe."""
        return self.awaiting_answer().filter(receiver_unit_id=unit_id)


class Transfer(models.Model):
    """A transfer (移交/移送) of a substantiated clue to police, procuratorate, discipline commission or regulator."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="transfers")
    kind = models.CharField(_("移送类型"), max_length=20, choices=TransferKind.choices)
    receiver_unit = models.ForeignKey(
        Unit, verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+"
    )
    letter_number = models.CharField(_("移送函文号"), max_length=60, blank=True)
    evidence_list = models.TextField(_("移送材料清单"), blank=True)
    note = models.TextField(_("移送说明"), blank=True)
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    answer_due_at = models.DateTimeField(_("接收登记时限"), null=True, blank=True, db_index=True)
    answer = models.CharField(
        _("接收答复"), max_length=20, choices=TransferAnswer.choices, default=TransferAnswer.PENDING
    )
    answer_note = models.TextField(_("答复说明"), blank=True)
    case_reference = models.CharField(_("立案/案件编号"), max_length=60, blank=True)
    answered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("移送")
        verbose_name_plural = _("移送")
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["receiver_unit", "clue"], name="transfer_receiver_clue")]

    def __str__(self) -> str:
        return f"{self.clue_id} → {self.receiver_unit_id}"


class TransferOutcome(models.Model):
    """A later outcome the receiver reports on a transfer (e.g. arrest, prosecution, sanction)."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="outcomes")
    body = models.TextField(_("办理结果"))
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("移送办理结果")
        ordering = ["reported_at", "id"]

    def __str__(self) -> str:
        return f"{self.transfer_id}: {self.body[:20]}"


class ClueLink(models.Model):
    """Two clues linked as related, or one marked a duplicate of the other (串并)."""

    from_clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="links_out")
    to_clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("关联类型"), max_length=20, choices=LinkKind.choices, default=LinkKind.RELATED)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("线索关联")
        constraints = [models.UniqueConstraint(fields=["from_clue", "to_clue"], name="clue_link_pair")]

    def __str__(self) -> str:
        return f"{self.from_clue_id} ~ {self.to_clue_id}"


class Attachment(models.Model):
    """A file attached to a clue (or one of its reports), stored under var/ by checksum, outside the database."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="attachments")
    stage_report = models.ForeignKey(
        StageReport, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    transfer = models.ForeignKey(
        Transfer, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64, db_index=True)
    storage_path = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Files sent by a reporter through the portal (no staff uploader).
    from_reporter = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ImportJob(models.Model):
    """A legacy ledger .xlsx being imported: its status and progress, polled by the page that started it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("导入中")
        FAILED = "failed", _("未导入（有错误）")
        DONE = "done", _("已完成")

    office = models.ForeignKey(Unit, verbose_name=_("受理机关"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    original_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    storage_path = models.CharField(max_length=200)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    skipped_count = models.PositiveIntegerField(_("已存在跳过"), default=0)
    # [{"row": 7, "column": "受理时间", "message": "..."}]; empty when the import succeeded.
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("台账导入")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.DONE)


# The columns of HandledClue that a member unit's page or count reads besides its unit and sort key.
HANDLED_COLUMNS = [
    "clue_id",
    "status",
    "is_umbrella",
    "category",
    "channel",
    "office_id",
    "responsible_unit_id",
    "sector_id",
    "finding_result",
    "received_at",
    "deadline_at",
    "concluded_at",
]


class HandledClue(models.Model):
    """A unit a clue was ever assigned or transferred to, with a copy of the clue's ledger columns: kept exact by
    PostgreSQL triggers (clues/visibility/handled.py), so a member unit's pages and counts read its own rows. Empty
    elsewhere. The columns have the names they have on Clue, so one filter serves both (filters.ledger_q)."""

    unit_id = models.BigIntegerField()
    clue_id = models.BigIntegerField()
    status = models.CharField(max_length=20)
    is_umbrella = models.BooleanField()
    category = models.CharField(max_length=20, blank=True)
    channel = models.CharField(max_length=20)
    sector_id = models.BigIntegerField(null=True)
    finding_result = models.CharField(max_length=20, blank=True)
    responsible_unit_id = models.BigIntegerField(null=True)
    office_id = models.BigIntegerField()
    number = models.CharField(max_length=40)
    received_at = models.DateTimeField()
    deadline_at = models.DateTimeField(null=True)
    concluded_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("承办线索")
        constraints = [models.UniqueConstraint(fields=["unit_id", "clue_id"], name="handled_unit_clue")]
        # One index per sort of the ledger led by the unit (both directions: a B-tree reads backwards), carrying
        # every column the ledger's filters read: a member unit's page (and its filtered counts) come from an
        # index-only scan of the unit's own entries, which stops after the page (visibility.answers.page_of). Without the
        # columns each entry visits the table, where a unit's rows lie scattered among everyone's (~55 ms for
        # a filtered deep page at 1,000,000 clues instead of ~3). The (unit, 保护伞, status) one, narrow, serves
        # the unfiltered counts (with clue_id, to drop the recused clues); clue_id the triggers' updates.
        indexes = [
            models.Index(
                fields=["unit_id", "is_umbrella", "status"], name="handled_unit_status", include=["clue_id"]
            ),
            models.Index(
                fields=["unit_id", "received_at", "clue_id"],
                name="handled_unit_received",
                include=[c for c in HANDLED_COLUMNS if c not in ("received_at", "clue_id")],
            ),
            models.Index(
                fields=["unit_id", "deadline_at", "clue_id"],
                name="handled_unit_deadline",
                include=[c for c in HANDLED_COLUMNS if c not in ("deadline_at", "clue_id")],
            ),
            models.Index(
                fields=["unit_id", "concluded_at", "clue_id"],
                name="handled_unit_concluded",
                include=[c for c in HANDLED_COLUMNS if c not in ("concluded_at", "clue_id")],
            ),
            models.Index(fields=["unit_id", "number"], name="handled_unit_number", include=HANDLED_COLUMNS),
            models.Index(fields=["clue_id"], name="handled_clue"),
        ]

    def __str__(self) -> str:
        return f"{self.clue_id} → {self.unit_id}"
