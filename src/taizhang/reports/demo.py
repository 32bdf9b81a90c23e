"""Demo: a year of monthly reports (some late, some returned), legacy figures, bulletin notes, a deduction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from taizhang.core.demo_context import DemoContext
from taizhang.reports import actions, assessment
from taizhang.reports.choices import NoteKind, PeriodKind
from taizhang.reports.models import PeriodicReport, ReportType
from taizhang.reports.periods import Period

# unit code: (drafter, submitter, reviewer)
FILERS = {
    "CITY-JT": ("jt_liaison", "jt_leader", "shb_staff"),
    "CITY-GA": ("ga_liaison", "ga_leader", "shb_staff"),
    "CITY-JW": ("jw_handler", "jw_leader", "shb_staff"),
    "CITY-ZR": ("zr_liaison", "zr_leader", "shb_staff"),
    "CITY-CG": ("cg_liaison", "cg_leader", "shb_staff"),
    "DH-SHB": ("dh_staff", "dh_leader", "shb_staff"),
    "DH-GA": ("dh_ga_liaison", "dh_ga_leader", "dh_staff"),
}
NARRATIVES = [
    "本月组织开展行业领域乱点乱象排查，梳理问题线索并按要求交办核查。",
    "本月召开专题推进会，督促责任科室按期回告线索办理情况。",
    "本月开展扫黑除恶宣传进社区活动，发放宣传资料，公布举报渠道。",
]


def _backdate(report: PeriodicReport, when: dt.datetime) -> None:
    # The actions stamp "now"; the demo moves the filing into the month it belongs to (the clock only).
    PeriodicReport.objects.filter(pk=report.pk).update(submitted_at=when, first_submitted_at=when)


def _file(ctx: DemoContext, monthly: ReportType, code: str, period: Period, last: bool) -> str:
    drafter, submitter, reviewer = (ctx.users[name] for name in FILERS[code])
    unit = ctx.units[code]
    rng = ctx.rng
    if last and rng.random() < 0.3:
        return "missing"
    report = actions.do_open_report(actor=drafter, report_type=monthly, unit=unit, period=period)
    values: dict[str, dict[str, Any]] = {
        "work.meetings": {"value": rng.randint(1, 4)},
    }
    actions.do_save_report(
        report.pk, actor=drafter, version=None, narrative=rng.choice(NARRATIVES), values=values
    )
    actions.do_submit_report(report.pk, actor=submitter)
    due = period.due_at(monthly.due_day, monthly.due_month_offset)
    late = rng.random() < 0.15
    _backdate(
        report,
        due + dt.timedelta(days=rng.randint(1, 6)) if late else due - dt.timedelta(days=rng.randint(0, 6)),
    )
    if last and rng.random() < 0.5:
        return "submitted"
    if rng.random() < 0.15:
        actions.do_return_report(
            report.pk, actor=reviewer, comment="数据口径与台账不一致，请核对后重新报送。"
        )
        actions.do_save_report(
            report.pk, actor=drafter, version=None, narrative=rng.choice(NARRATIVES) + "已按要求核对。"
        )
        actions.do_submit_report(report.pk, actor=submitter)
        if last:
            return "resubmitted"
    actions.do_accept_report(report.pk, actor=reviewer, comment="采用。")
    return "late" if late else "accepted"


def populate(ctx: DemoContext) -> None:
    monthly = ReportType.objects.get(code="monthly")
    if not all(name in ctx.users for names in FILERS.values() for name in names):
        ctx.say("reports: demo accounts missing; skipped")
        return
    this_month = Period.of(PeriodKind.MONTH, ctx.today)
    months = [this_month.previous()]
    for _i in range(11):
        months.insert(0, months[0].previous())
    tally: dict[str, int] = {}
    for period in months:
        for code in FILERS:
            outcome = _file(ctx, monthly, code, period, last=period == months[-1])
            tally[outcome] = tally.get(outcome, 0) + 1
    staff = ctx.users["shb_staff"]
    city = ctx.units["CITY-SHB"]
    last_year = Period.of(PeriodKind.YEAR, ctx.today).year_before()
    actions.do_record_legacy_figures(
        actor=staff,
        unit=city,
        period_start=last_year.start,
        period_end=last_year.end,
        source=f"{last_year.label}全市扫黑除恶工作总结（纸质存档录入）",
        figures=[
            {"indicator": "orgs.mafia", "value": 2, "unit": "个", "approx": "", "text": "打掉涉黑组织2个"},
            {"indicator": "orgs.gang", "value": 17, "unit": "个", "approx": "", "text": "恶势力犯罪团伙17个"},
            {
                "indicator": "police.suspects_caught",
                "value": 236,
                "unit": "人",
                "approx": "",
                "text": "抓获犯罪嫌疑人236人",
            },
            {
                "indicator": "assets.seized",
                "value": 52000000,
                "unit": "元",
                "approx": "余",
                "text": "查扣冻涉案资产5200余万元",
            },
        ],
    )
    quarter = Period.of(PeriodKind.QUARTER, ctx.today).previous()
    actions.do_add_bulletin_note(
        actor=staff,
        office=city,
        unit=ctx.units["CITY-JT"],
        period=quarter,
        kind=NoteKind.COMMENDATION,
        text="线索核查扎实，回告及时，信息报送规范。",
    )
    actions.do_add_bulletin_note(
        actor=staff,
        office=city,
        unit=ctx.units["CITY-CG"],
        period=quarter,
        kind=NoteKind.CRITICISM,
        text="存在线索超期未办结、月报逾期报送问题，限期整改。",
    )
    scheme = assessment.default_scheme(city, ctx.today.year)
    actions.do_add_assessment_deduction(
        scheme.pk, actor=staff, unit=ctx.units["CITY-CG"], points="2", reason="督导检查发现台账登记不完整"
    )
    ctx.say(f"reports: {sum(tally.values())} monthly reports {tally}")
