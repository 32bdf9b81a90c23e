"""Records other than clues, one in each context of matrix.RECORD_VIEWERS, built with the real actions.

Cases, letters, problem lists and their measures and evidence, listed supervision, point notices, meetings,
tasks, extensions, urging notices and periodic reports: each belongs to a unit (own = transport, or the
police for cases; other = construction) or to the district below the city office, so the matrix can
check that a route serving one answers the people of that unit and the offices above it, and 404 to the
rest. Every record carries a marker text (its title or body) that a refused answer must not show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from taizhang.cases import actions as cases
from taizhang.cases.choices import CaseStage, OrgType
from taizhang.clues.models import Clue
from taizhang.rectification import actions as rect
from taizhang.rectification.actions import MeasureData
from taizhang.rectification.choices import ListSource
from taizhang.rectification.models import Evidence, LetterType, Measure
from taizhang.reports import actions as reports
from taizhang.reports.choices import PeriodKind
from taizhang.reports.models import ReportType
from taizhang.reports.periods import Period
from taizhang.supervision import actions as supervision
from taizhang.supervision.choices import ListingLevel
from tests.conftest import World


@dataclass
class Records:
    """Record ids by kind and context, and the marker text of each (kind, context)."""

    ids: dict[str, dict[str, int]] = field(default_factory=dict)
    markers: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, kind: str, context: str, pk: int, marker: str) -> None:
        self.ids.setdefault(kind, {})[context] = pk
        self.markers[(kind, context)] = marker


def _cases(w: World, out: Records) -> dict[str, object]:
    built = {}
    for context, office, staff, unit in (
        ("police", "city", "office_staff", "police"),
        ("district", "district", "district_staff", "district_police"),
    ):
        name = f"矩阵{context}案件"
        case = cases.do_register_case(
            actor=w.people[staff],
            office=w.units[office],
            name=name,
            org_type=OrgType.MAFIA,
            handling_units=[w.units[unit]],
        )
        cases.do_record_case_stage(
            case.pk,
            actor=w.people[staff],
            stage=CaseStage.INVESTIGATION,
            occurred_on=timezone.localdate(),
            persons=2,
        )
        out.add("case", context, case.pk, name)
        built[context] = case
    return built


def _rectification(w: World, out: Records) -> None:
    staff = w.people["office_staff"]
    for context, recipient in (
        ("own", "transport"),
        ("other", "construction"),
    ):
        problems = f"矩阵{context}文书指出的问题"
        letter = rect.do_issue_letter(
            actor=staff,
            letter_type=LetterType.objects.get(code="procuratorial"),
            number=f"矩阵检建〔2026〕{context}号",
            issuer=w.units["procuratorate"],
            recipient=w.units[recipient],
            issued_on=timezone.localdate(),
            problems=problems,
        )
        out.add("letter", context, letter.pk, problems)
    lists = (
        ("own", "city", "office_staff", "transport", "liaison"),
        ("other", "city", "office_staff", "construction", "other_liaison"),
        ("district", "district", "district_staff", "district_police", "district_police"),
    )
    for context, office, author, unit, reporter in lists:
        title = f"矩阵{context}问题清单"
        problem_list = rect.do_create_problem_list(
            actor=w.people[author],
            title=title,
            source=ListSource.INSPECTION_TEAM,
            office=w.units[office],
            sector=None,
            rows=[
                MeasureData(
                    problem=f"矩阵{context}问题",
                    description=f"矩阵{context}整改措施",
                    deadline=timezone.localdate() + dt.timedelta(days=30),
                    units=[w.units[unit]],
                )
            ],
        )
        measure = Measure.objects.get(problem__problem_list=problem_list)
        rect.do_report_measure_progress(
            measure.pk,
            actor=w.people[reporter],
            body=f"矩阵{context}整改进展",
            evidence=[(f"{context}-佐证.pdf", [b"%PDF-1.4 " + context.encode()])],
            version=measure.version,
        )
        out.add("list", context, problem_list.pk, title)
        out.add("measure", context, measure.pk, f"矩阵{context}整改措施")
        out.add("evidence", context, Evidence.objects.get(report__measure=measure).pk, f"{context}-佐证.pdf")


def _supervision(w: World, out: Records, clues: dict[str, Clue], built_cases: dict[str, object]) -> None:
    staff, now = w.people["office_staff"], timezone.now()
    # 挂牌督办 by the city of the district's clue and case: a higher office lists its lower office's work.
    for context, target in (("clue", clues["district"]), ("case", built_cases["district"])):
        reason = f"矩阵{context}挂牌事由"
        listing = supervision.do_list_target(
            target,
            actor=staff,
            level=ListingLevel.CITY,
            authority="测试市扫黑办",
            reason=reason,
            deadline_at=now + dt.timedelta(days=30),
        )
        out.add("listed", context, listing.pk, reason)
    for context, unit in (("own", "transport"), ("other", "construction")):
        title = f"矩阵{context}点对点通报"
        notice = supervision.do_issue_point_notice(
            actor=staff, unit=w.units[unit], title=title, body="请整改。"
        )
        out.add("notice", context, notice.pk, title)
    for context, person in (("city", "office_staff"), ("district", "district_staff")):
        title = f"矩阵{context}会议"
        meeting = supervision.do_plan_meeting(
            actor=w.people[person], title=title, starts_at=now + dt.timedelta(days=3)
        )
        out.add("meeting", context, meeting.pk, title)
    for context, person, unit in (
        ("own", "office_staff", "transport"),
        ("other", "office_staff", "construction"),
        ("district", "district_staff", "district_police"),
    ):
        title = f"矩阵{context}交办任务"
        task = supervision.do_create_task(
            actor=w.people[person], title=title, owner_unit=w.units[unit], due_at=now + dt.timedelta(days=10)
        )
        out.add("task", context, task.pk, title)
    for context, person in (("own", "liaison"), ("district", "district_police")):
        reason = f"矩阵{context}延期理由"
        ext = supervision.do_request_extension(
            clues[context].pk, actor=w.people[person], days=5, reason=reason
        )
        out.add("extension", context, ext.pk, reason)
    for context, person in (("own", "office_staff"), ("district", "district_staff")):
        note = f"矩阵{context}催办内容"
        urging = supervision.do_issue_urging_notice(clues[context], actor=w.people[person], note=note)
        out.add("urging", context, urging.pk, note)


def _reports(w: World, out: Records) -> None:
    monthly = ReportType.objects.filter(is_active=True, period_kind=PeriodKind.MONTH).first()
    period = Period.of(PeriodKind.MONTH, timezone.localdate())
    for context, drafter, leader, unit in (
        ("own", "liaison", None, "transport"),
        ("other", "other_liaison", "other_leader", "construction"),
        ("district", "district_police", None, "district_police"),
    ):
        report = reports.do_open_report(
            actor=w.people[drafter], report_type=monthly, unit=w.units[unit], period=period
        )
        narrative = f"矩阵{context}工作情况"
        report = reports.do_save_report(
            report.pk, actor=w.people[drafter], version=report.version, narrative=narrative
        )
        if leader:
            reports.do_submit_report(report.pk, actor=w.people[leader], version=report.version)
        out.add("report", context, report.pk, narrative)


def _drives(w: World, out: Records) -> None:
    """A city drive over transport and construction (led by the city office), and a district drive."""
    from taizhang.drives import actions as drives
    from taizhang.drives.choices import DriveKind
    from taizhang.drives.models import DriveReturn
    from taizhang.org.models import Sector

    sector = Sector.objects.create(code="matrix-drive", name="矩阵排查领域")
    today = timezone.localdate()
    for context, staff, office, units in (
        ("city", "office_staff", "city", ["transport", "construction"]),
        ("district", "district_staff", "district", ["district_police"]),
    ):
        title = f"矩阵{context}排查"
        drive = drives.do_create_drive(
            actor=w.people[staff],
            title=title,
            kind=DriveKind.CONCENTRATED,
            office=w.units[office],
            lead_unit=w.units[office],
            sectors=[sector],
            units=[w.units[u] for u in units],
            starts_on=today,
            ends_on=today + dt.timedelta(days=30),
            requirements="矩阵报送要求",
        )
        out.add("drive", context, drive.pk, title)
        if context == "city":
            for ret_context, unit in (("own", "transport"), ("other", "construction")):
                ret = DriveReturn.objects.get(drive=drive, unit=w.units[unit])
                out.add("drive_return", ret_context, ret.pk, title)


def _reviews(w: World, out: Records) -> None:
    """A concluded 查否 clue of transport with a real-name reporter: under review by the police, and called back."""
    from taizhang.clues import actions as clues
    from taizhang.clues.actions import ReporterData, SubjectData
    from taizhang.clues.choices import Category, Channel, FindingResult, ReporterKind, ReportStage
    from taizhang.reviews import actions as reviews
    from taizhang.reviews import callbacks
    from taizhang.reviews.choices import Sampling

    clue = clues.do_register_clue(
        actor=w.people["office_staff"],
        office=w.units["city"],
        channel=Channel.PHONE,
        received_at=timezone.now(),
        summary="矩阵回访线索",
        facts="矩阵测试：办结后回访和评查的线索。",
        subjects=[SubjectData(name="矩阵某")],
        reporter=ReporterData(
            kind=ReporterKind.REAL_NAME, identity={"name": "矩阵举报人", "phone": "13800000000"}
        ),
    )
    clues.do_triage_clue(clue.pk, actor=w.people["office_staff"], in_scope=True, category=Category.EVIL)
    clues.do_assign_clue(
        clue.pk, actor=w.people["office_leader"], unit=w.units["transport"], person=w.people["handler"]
    )
    clues.do_file_stage_report(
        clue.pk, actor=w.people["liaison"], stage=ReportStage.FIRST, body="已成立核查组。"
    )
    clues.do_record_finding(
        clue.pk, actor=w.people["handler"], result=FindingResult.UNFOUNDED, basis="查无实据。"
    )
    clues.do_sign_finding(clue.pk, actor=w.people["unit_leader"])
    clues.do_review_finding(clue.pk, actor=w.people["office_staff"], accept=True)
    clues.do_conclude_clue(clue.pk, actor=w.people["office_staff"])
    today = timezone.localdate()
    campaign = reviews.do_create_campaign(
        actor=w.people["office_staff"],
        title="矩阵评查",
        office=w.units["city"],
        period_start=today - dt.timedelta(days=1),
        period_end=today,
        sampling_kind=Sampling.ALL,
    )
    item = campaign.items.get()
    reviews.do_assign_reviewer(
        campaign.pk, actor=w.people["office_staff"], item_ids=[item.pk], reviewer_unit=w.units["police"]
    )
    out.add("campaign", "city", campaign.pk, "矩阵评查")
    out.add("review_item", "city", item.pk, "矩阵评查")
    callbacks.draw_for_office(w.units["city"], callbacks.month_start(today), seed=1, share=100, minimum=1)
    from taizhang.reviews.models import CallbackTask

    out.add("callback", "city", CallbackTask.objects.get(clue=clue).pk, "13800000000")


def build_records(world: World, clues: dict[str, Clue]) -> Records:
    """Every record of matrix.RECORD_VIEWERS, in its context."""
    out = Records()
    built_cases = _cases(world, out)
    _rectification(world, out)
    _supervision(world, out, clues, built_cases)
    _reports(world, out)
    _drives(world, out)
    _reviews(world, out)
    return out
