"""Three levels on this machine: a province, a city and a county instance, each its own var folder, SQLite
database, keys and `taizhang` process; packages carried between them as files.

A clue registered at the province as 12337平台交办 goes to the city, then to the county, is verified there; its
finding goes up two levels; the province's 催办 comes down two levels; the county's monthly report reaches the
province's dashboard through the city, and every figure there equals the sum of what was sent.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from taizhang.reports.periods import Period
from tests.ferry.sites import Site

pytestmark = pytest.mark.slow

WORLD = """
from taizhang.org.choices import UnitKind, RoleCode
from taizhang.org.models import Role, Unit, User
office = Unit.objects.create(code=PARAMS["code"], name=PARAMS["name"], kind=UnitKind.OFFICE)
for code, name in PARAMS.get("others", []):
    Unit.objects.create(code=code, name=name, kind=UnitKind.OFFICE, parent=office if "EXT" in code else None)
staff = User.objects.create(username="staff", display_name="办公室人员", unit=office)
staff.roles.set(Role.objects.filter(code__in=["office_staff", "office_leader"]))
if PARAMS.get("member"):
    police = Unit.objects.create(code="GA", name=PARAMS["member"], kind=UnitKind.POLICE, parent=office)
    for username, role in (("liaison", "liaison"), ("leader", "unit_leader")):
        u = User.objects.create(username=username, display_name=username, unit=police)
        u.roles.set(Role.objects.filter(code=role))
print(json.dumps({"office": office.pk}))
"""

PROVINCE_REGISTERS = """
from taizhang.clues.actions.assignment import do_assign_clue
from taizhang.clues.actions.common import ReporterData, SubjectData
from taizhang.clues.actions.registration import do_register_clue, do_triage_clue
from taizhang.core import clock
from taizhang.org.models import Unit, User
staff = User.objects.get(username="staff")
clue = do_register_clue(actor=staff, office=Unit.objects.get(code="PROV"), channel="platform_12337",
    received_at=clock.now(), summary="县城砂石市场被垄断", facts="某团伙强迫运输车辆从其砂石场进货。",
    subjects=[SubjectData(name="钱某")],
    reporter=ReporterData(kind="real_name", identity={"name": "李明", "phone": "13800000000"}))
do_triage_clue(clue.pk, actor=staff, in_scope=True, category="evil")
do_assign_clue(clue.pk, actor=staff, unit=Unit.objects.get(code="CITY-EXT"), instructions="限期一个月")
print(json.dumps({"number": clue.number}))
"""

PASS_ON = """
from taizhang.clues.actions.assignment import do_assign_clue
from taizhang.clues.actions.registration import do_triage_clue
from taizhang.clues.models import Clue
from taizhang.org.models import Unit, User
staff = User.objects.get(username="staff")
clue = Clue.objects.get()
do_triage_clue(clue.pk, actor=staff, in_scope=True, category="evil")
do_assign_clue(clue.pk, actor=staff, unit=Unit.objects.get(code=PARAMS["to"]))
print(json.dumps({"number": clue.number, "channel": clue.channel, "source_ref": clue.source_ref}))
"""

COUNTY_VERIFIES = """
from taizhang.clues.actions.assignment import do_file_stage_report
from taizhang.clues.actions.findings import do_record_finding, do_sign_finding
from taizhang.clues.models import Clue
from taizhang.core import sealing
from taizhang.org.models import User
clue = Clue.objects.get()
liaison, leader = User.objects.get(username="liaison"), User.objects.get(username="leader")
do_file_stage_report(clue.pk, actor=liaison, stage="first", body="已成立专班核查")
do_record_finding(clue.pk, actor=liaison, result="substantiated", basis="经核查，钱某团伙强揽砂石运输属实。")
do_sign_finding(clue.pk, actor=leader, approve=True, note="同意")
print(json.dumps({"reporter": sealing.open_sealed(clue.reporter.sealed_identity)["name"]}))
"""

URGE = """
from taizhang.clues.models import Clue
from taizhang.org.models import User
from taizhang.supervision.actions.records import do_issue_urging_notice
do_issue_urging_notice(Clue.objects.get(), actor=User.objects.get(username="staff"), note="请于三日内报送核查结论")
print(json.dumps({}))
"""

STATE = """
from taizhang.clues.models import Clue
from taizhang.clues.timeline import timeline
from taizhang.exchange.models import FromAbove
from taizhang.supervision.models import Notification
clue = Clue.objects.get()
print(json.dumps({
    "status": clue.status,
    "below": [i["label"] for i in timeline(clue.pk) if i["from_below"]],
    "above": list(FromAbove.objects.values_list("text", flat=True)),
    "inbox": list(Notification.objects.values_list("title", flat=True)),
}))
"""

FILE_MONTHLY = """
from taizhang.org.models import User
from taizhang.reports.actions import do_open_report, do_save_report, do_submit_report
from taizhang.reports.models import ReportType
from taizhang.reports.periods import Period
staff = User.objects.get(username="staff")
period = Period.parse("month", PARAMS["period"])
report = do_open_report(actor=staff, report_type=ReportType.objects.get(code="monthly"), unit=staff.unit,
    period=period)
do_save_report(report.pk, actor=staff, version=report.version, narrative="本月工作情况")
report.refresh_from_db()
do_submit_report(report.pk, actor=staff, version=report.version)
print(json.dumps({"period": period.key, "figures": {
    v.indicator.code: [float(v.value), v.records.get("numbers", [])] for v in report.values.all()
    if v.indicator.code.startswith("clues.")}}))
"""

PROVINCE_DASHBOARD = """
from taizhang.org.models import Unit, User
from taizhang.reports import board, dashboard
from taizhang.reports.models import ReportType
from taizhang.reports.periods import Period
staff = User.objects.get(username="staff")
period = Period.parse("month", PARAMS["period"])
levels = dashboard.dashboard_data(staff, staff.unit, period)["levels"]
rows = board.status_board(staff, staff.unit, ReportType.objects.get(code="monthly"), period)
print(json.dumps({
    "codes": [c["code"] for c in levels["codes"]],
    "rows": [[r["name"], r["via"], [f and f["value"] for f in r["figures"]]] for r in levels["rows"]],
    "total": [f["value"] for f in levels["total"]["figures"]],
    "board": {r["unit"].code: r["state"] for r in rows},
}))
"""


def instance(tmp_path, name: str) -> Site:
    site = Site("ledger", tmp_path / name, tmp_path / "drop")
    site.run("migrate", "--no-input", "-v", "0")
    site.run("exchange", "keys", "init", "--instance-id", name)
    site.run("exchange", "keys", "public", str(tmp_path / f"{name}.pub.json"))
    return site


def carry(sender: Site, receiver: Site) -> None:
    """Export everything new at `sender` into its outbox and import, in order, every package there addressed
    to `receiver` (one applied before says so and changes nothing)."""
    out = sender.var.parent / "outbox"
    sender.run("exchange", "export", "--out", str(out))
    name = receiver.var.parent.name
    for path in sorted(out.glob("*.pkg")):
        if f'"receiver": "{name}"'.encode() in path.read_bytes()[:4096]:
            receiver.run("exchange", "import", str(path))


def test_a_clue_goes_down_two_levels_and_its_finding_comes_up_two(tmp_path):
    province, city, county = (instance(tmp_path, n) for n in ("province", "city", "county"))
    pub = {n: str(tmp_path / f"{n}.pub.json") for n in ("province", "city", "county")}
    province.py(WORLD, code="PROV", name="省扫黑办", others=[["CITY-EXT", "市扫黑办"]])
    city.py(WORLD, code="CITY", name="市扫黑办", others=[["XIAN-EXT", "县扫黑办"], ["PROV-UP", "省扫黑办"]])
    county.py(WORLD, code="XIAN", name="县扫黑办", others=[["CITY-UP", "市扫黑办"]], member="县公安局")
    province.run("exchange", "partner", "add", "CITY-EXT", "child", pub["city"])
    city.run("exchange", "partner", "add", "PROV-UP", "parent", pub["province"])
    city.run("exchange", "partner", "add", "XIAN-EXT", "child", pub["county"])
    county.run("exchange", "partner", "add", "CITY-UP", "parent", pub["city"])
    for site, code in ((province, "PROV"), (city, "CITY"), (county, "XIAN")):
        site.env["TAIZHANG_EXCHANGE_OFFICE"] = code

    upper = province.py(PROVINCE_REGISTERS)["number"]
    carry(province, city)
    at_city = city.py(PASS_ON, to="XIAN-EXT")
    assert at_city["channel"] == "platform_12337" and at_city["source_ref"] == upper
    carry(city, county)
    at_county = county.py(PASS_ON, to="GA")
    assert at_county["channel"] == "platform_12337" and at_county["source_ref"] == at_city["number"]
    assert county.py(COUNTY_VERIFIES)["reporter"] == "李明"  # re-sealed at each level, readable at the end

    carry(county, city)
    city_state = city.py(STATE)
    assert "【来自下级】签字背书" in city_state["below"] and city_state["status"] == "under_review"
    carry(city, province)
    province_state = province.py(STATE)
    assert "【来自下级】首次回告" in province_state["below"]
    assert "【来自下级】签字背书" in province_state["below"]
    assert province_state["status"] == "under_review"

    province.py(URGE)
    carry(province, city)
    carry(city, county)
    county_state = county.py(STATE)
    assert any("请于三日内报送核查结论" in t for t in county_state["above"])
    assert any(t.startswith("上级催办") for t in county_state["inbox"])

    # The county's monthly report goes up to the city, which files its own and relays the county's.
    # One month for both levels, stated once (two processes reading the date could straddle a month's end).
    month = Period.of("month", timezone.localdate()).key
    county_sent = county.py(FILE_MONTHLY, period=month)
    city_sent = city.py(FILE_MONTHLY, period=month)
    carry(county, city)
    carry(city, province)
    assert county_sent["figures"]["clues.received"] == [1.0, [at_county["number"]]]
    at_province = province.py(PROVINCE_DASHBOARD, period=county_sent["period"])
    assert at_province["board"]["CITY-EXT"] in ("on_time", "late")  # the city's report counts as filed
    rows = {name: (via, values) for name, via, values in at_province["rows"]}
    assert set(rows) == {"本级", "市扫黑办", "县扫黑办"} and rows["县扫黑办"][0] == "市扫黑办"
    codes = at_province["codes"]
    for name, sent in (("市扫黑办", city_sent), ("县扫黑办", county_sent)):
        assert rows[name][1] == [sent["figures"][code][0] for code in codes]
    for i, code in enumerate(codes):
        if code != "clues.conclusion_rate":
            assert at_province["total"][i] == sum(values[i] for _via, values in rows.values())
    # One clue, registered at each level: received once per row, three in all; none concluded yet.
    assert at_province["total"][codes.index("clues.received")] == 3
