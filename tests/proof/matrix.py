"""The authorization matrix, as data: who may open every route and every API operation.

Every URL pattern Django serves and every API operation must have an entry here; test_matrix fails on a
route without one (and on an entry whose route is gone). An entry says which personas of the standard
world (tests/conftest.py) get an answer, what anonymous visitors get, and, for a route about one record,
which record it is about. For records, who may see which one is written out below (VIEWERS) from the
rules in docs/architecture.md, independently of the code's querysets: the test intersects the two.

Outcomes of a GET:
  OK      2xx, or a redirect that is not to the sign-in or two-factor page
  LOGIN   a redirect to the sign-in page (pages)
  UNAUTH  401 with {"code", "message"} (API)
  DENY    403 or 404 (a role that may not use the route)
  HIDDEN  exactly 404: a record outside a person's sight, or a route that answers nobody

A change (POST/PATCH) is judged by what it did, because a page answers a refused step with a redirect and
a message: ACTED means audit rows were written; REFUSED means nothing was written and no server error.
A change rule names the valid request to send (`data`, built in test_matrix.DATA) and the record contexts
where the step is possible; `allow` may then depend on the context (e.g. the responsible unit's people).
"""

from __future__ import annotations

from dataclasses import dataclass, field

OK, LOGIN, UNAUTH, DENY, HIDDEN = "ok", "login", "unauth", "deny", "hidden"
ACTED, REFUSED = "acted", "refused"

# ---- personas (the keys of tests/conftest.py PERSONAS), grouped the way the rules talk about them ----
CITY_OFFICE = frozenset({"office_staff", "office_leader", "group_member", "custodian"})
DISTRICT_OFFICE = frozenset({"district_staff", "district_leader"})
OFFICE = CITY_OFFICE | DISTRICT_OFFICE
# Office people who act (group members only read).
OFFICE_ACTORS = OFFICE - {"group_member"}
OFFICE_LEADERS = frozenset({"office_leader", "district_leader"})
TRANSPORT = frozenset({"liaison", "handler", "unit_leader"})
CONSTRUCTION = frozenset({"other_liaison", "other_leader"})
POLICE = frozenset({"police_liaison", "police_leader"})
DISCIPLINE = frozenset({"discipline_handler", "discipline_leader"})
MEMBER_UNITS = TRANSPORT | CONSTRUCTION | POLICE | DISCIPLINE | {"district_police"}
UNIT_LEADERS = frozenset({"unit_leader", "other_leader", "police_leader", "discipline_leader"})
LIAISONS = frozenset({"liaison", "other_liaison", "police_liaison", "discipline_handler", "district_police"})
CUSTODIANS = frozenset({"custodian"})
ADMINS = frozenset({"sysadmin"})
STAFF = OFFICE | MEMBER_UNITS | ADMINS
PERSONAS = sorted(STAFF)

# ---- records: who sees each context clue (built in conftest.py with the real actions) ----
VIEWERS: dict[str, frozenset[str]] = {
    # A city clue assigned to transport: the city office (its tree) and the assigned unit.
    "own": CITY_OFFICE | TRANSPORT,
    # The same, assigned to construction: transport must not see it.
    "other": CITY_OFFICE | CONSTRUCTION,
    # A 保护伞 clue assigned to the discipline commission: office leaders and discipline handlers only.
    "umbrella": frozenset({"office_leader"}) | DISCIPLINE,
    # Assigned to transport, then found to name transport: transport is recused and loses sight.
    "recused": CITY_OFFICE,
    # Registered by the district office, assigned to the district police: the district and the city above.
    "district": CITY_OFFICE | DISTRICT_OFFICE | {"district_police"},
    # Transferred to the police after a substantiated finding: the police join the viewers.
    "transferred": CITY_OFFICE | TRANSPORT | POLICE,
}
CLUE_CONTEXTS = tuple(VIEWERS)
# People who manage a clue (office staff or leaders of its office or an office above it).
MANAGERS = OFFICE_ACTORS
# The responsible unit's people in each context (who report, record findings and sign).
RESPONSIBLE: dict[str, frozenset[str]] = {
    "own": TRANSPORT,
    "other": CONSTRUCTION,
    "umbrella": DISCIPLINE,
    "recused": TRANSPORT,
    "district": frozenset({"district_police"}),
    "transferred": TRANSPORT,
}
# Contexts whose clue is in a state a step can start from.
WITH_UNIT = ("own", "other", "umbrella", "recused", "district")
# Contexts whose clue a unit still holds: the recused clue came back to the office when its unit was recused
# (#16), so there is nothing to reassign.
HELD = ("own", "other", "umbrella", "district")
# Where a refused step is tried when no context allows it: the contexts that hide something.
SENSITIVE = ("own", "umbrella", "recused")
# Rule.obj values whose contexts are the clue contexts above.
CLUE_OBJS = ("clue", "attachment", "transfer")

# ---- other records: who sees each one (built in records.py with the real actions) ----
CITY_ACTORS = CITY_OFFICE - {"group_member"}
# Own unit (transport), another unit (construction), and the district below the city office.
_UNIT_RECORD = {
    "own": CITY_OFFICE | TRANSPORT,
    "other": CITY_OFFICE | CONSTRUCTION,
    "district": CITY_OFFICE | DISTRICT_OFFICE | {"district_police"},
}
_CASE = {
    # A city case handled by the city police; the discipline commission screens every case of its tree.
    "police": CITY_OFFICE | POLICE | DISCIPLINE,
    # A district case handled by the district police: the district, the city above, and discipline.
    "district": CITY_OFFICE | DISTRICT_OFFICE | {"district_police"} | DISCIPLINE,
}
RECORD_VIEWERS: dict[str, dict[str, frozenset[str]]] = {
    "case": _CASE,
    # 三书一函 from the procuratorate (no one in this world works there) to transport / construction.
    "letter": {"own": _UNIT_RECORD["own"], "other": _UNIT_RECORD["other"]},
    # A problem list whose one measure is transport's / construction's / the district police's.
    "list": _UNIT_RECORD,
    "measure": _UNIT_RECORD,
    # The evidence file of that measure's progress report.
    "evidence": _UNIT_RECORD,
    # The city lists the district's clue and the district's case: seen exactly as the target is.
    "listed": {"clue": VIEWERS["district"], "case": _CASE["district"]},
    # 点对点通报 from the city office to transport / construction.
    "notice": {"own": _UNIT_RECORD["own"], "other": _UNIT_RECORD["other"]},
    # Meetings of the city office and of the district office (no attendees yet).
    "meeting": {"city": CITY_OFFICE, "district": CITY_OFFICE | DISTRICT_OFFICE},
    # Tasks set for transport / construction by the city, for the district police by the district.
    "task": _UNIT_RECORD,
    # Extensions and urging notices are seen with their clue.
    "extension": {"own": VIEWERS["own"], "district": VIEWERS["district"]},
    "urging": {"own": VIEWERS["own"], "district": VIEWERS["district"]},
    # Monthly reports of transport (a draft), construction (submitted), the district police (a draft).
    "report": _UNIT_RECORD,
    # A city drive over transport and construction (led by the city office), and a district drive.
    "drive": {"city": CITY_OFFICE | TRANSPORT | CONSTRUCTION, "district": _UNIT_RECORD["district"]},
    # The city drive's returns: each unit sees its own only.
    "drive_return": {"own": _UNIT_RECORD["own"], "other": _UNIT_RECORD["other"]},
    # A review of a concluded transport clue given to the police: reviewers see what they review.
    "campaign": {"city": CITY_OFFICE | POLICE},
    "review_item": {"city": CITY_OFFICE | POLICE},
    # A call-back of that clue (the custodian calls): the office only.
    "callback": {"city": CITY_OFFICE},
}
# The unit people who act on each context's record (reply, report progress, acknowledge, finish).
UNIT_PEOPLE = {"own": TRANSPORT, "other": CONSTRUCTION, "district": frozenset({"district_police"})}


def viewers(obj: str | None, context: str) -> frozenset[str]:
    """Who sees the record a rule is about in a context."""
    if obj in RECORD_VIEWERS:
        return RECORD_VIEWERS[obj][context]
    return VIEWERS[context]


@dataclass(frozen=True)
class Rule:
    """Who may use a route: personas answered OK, what anonymous visitors get, and the record it is about."""

    allow: frozenset[str] | dict[str, frozenset[str]]
    anon: str = LOGIN
    # None; "clue", "attachment" or "transfer" (filled from each clue context); a RECORD_VIEWERS kind
    # ("case", "measure", ...: filled from that kind's contexts); "missing" (404 for everyone)
    obj: str | None = None
    method: str = "GET"
    # For a change: the name of the valid request in test_matrix.DATA ("" sends an empty one: nobody acts).
    data: str = ""
    # The contexts tried (default: all for a record route).
    contexts: tuple[str, ...] = ()
    # Fixed values for other URL parameters, and a query string.
    params: dict[str, str] = field(default_factory=dict)
    query: str = ""
    # The route's success is a redirect to the sign-in page (signing out).
    signs_out: bool = False
    # Refused attempts are written to the audit log on purpose (an identity reveal): rows are not a change.
    audits_refusals: bool = False
    # A page that sends people who may not use it back to the record with a message (a redirect): for
    # them a redirect is the refusal, and for the people allowed only the page itself (200) counts.
    bounce: bool = False
    # A bug this entry finds today (the test is a strict xfail: fixing the bug makes it fail until removed).
    known_bug: str = ""
    note: str = ""


def page(allow: frozenset[str], **kw) -> Rule:
    return Rule(allow=allow, **kw)


def public(**kw) -> Rule:
    return Rule(allow=STAFF, anon=OK, **kw)


def api(allow: frozenset[str], **kw) -> Rule:
    return Rule(allow=allow, anon=UNAUTH, **kw)


def step(allow: frozenset[str] | dict[str, frozenset[str]] = frozenset(), **kw) -> Rule:
    """A POST step on a record page; without `data` it is sent empty and must change nothing."""
    obj = kw.pop("obj", "clue")
    kw.setdefault("contexts", SENSITIVE if obj == "clue" and not allow else ())
    return Rule(allow=allow, obj=obj, method="POST", **kw)


def api_step(allow: frozenset[str] | dict[str, frozenset[str]] = frozenset(), **kw) -> Rule:
    obj = kw.pop("obj", "clue")
    kw.setdefault("contexts", SENSITIVE if obj == "clue" and not allow else ())
    return Rule(allow=allow, anon=UNAUTH, obj=obj, method=kw.pop("method", "POST"), **kw)


def by_unit(extra: frozenset[str] | dict[str, frozenset[str]], contexts: tuple[str, ...]) -> dict:
    """The unit people of each context, plus `extra` (office actors, the same for all or per context)."""
    return {
        c: UNIT_PEOPLE[c] | (extra.get(c, frozenset()) if isinstance(extra, dict) else extra)
        for c in contexts
    }


# ---- pages: "namespace:name" of every URL pattern (admin:* is checked as a whole, see below) ----
# Who records a case's next stage: its office (or one above) and the judicial unit handling it.
CASE_STAGE = {"police": OFFICE_ACTORS | POLICE, "district": OFFICE_ACTORS | {"district_police"}}
# An office's people act on what their own office set up; the city acts on the district's too.
OFFICE_OF = {"own": CITY_ACTORS, "other": CITY_ACTORS, "district": OFFICE_ACTORS}
# Who uses the people pages (#24): office people, the discipline commission, police units.
PEOPLE_USERS = OFFICE | DISCIPLINE | POLICE | {"district_police"}

PAGES: dict[str, Rule] = {
    "core:home": page(STAFF),
    "core:healthz": public(),
    "accounts:login": public(),
    "accounts:logout": page(STAFF, method="POST", data="logout", signs_out=True),
    "accounts:password_change": page(STAFF),
    "accounts:otp_verify": page(STAFF),
    "org:units": page(STAFF),
    # The API description names operations, never records, but maps the whole surface: staff only in
    # production (the tests run as production); every operation needs a token or session besides.
    "api:openapi-json": page(STAFF),
    "api:openapi-view": page(STAFF),
    # django-ninja's root answers 404 outside DEBUG.
    "api:api-root": Rule(allow=frozenset(), anon=HIDDEN, obj="missing"),
    "set_language": public(method="POST", data="language"),
    # ---- the clue ledger ----
    "clues:list": page(STAFF),
    "clues:export": page(STAFF),
    "clues:register": page(OFFICE_ACTORS),
    "clues:subject_row": page(OFFICE_ACTORS),
    "clues:assign_people": page(OFFICE_ACTORS),
    "clues:import": page(OFFICE_ACTORS),
    # An import job is seen by the person who started it only.
    "clues:import_job": page(frozenset(), obj="missing"),
    "clues:import_status": page(frozenset(), obj="missing"),
    # A job is seen only by the person who started it (tests/jobs); the matrix asks for one nobody started.
    "jobs:job": page(frozenset(), obj="missing"),
    "jobs:status": page(frozenset(), obj="missing"),
    "jobs:download": page(frozenset(), obj="missing"),
    # The load balancer's probe (tests/nodes/test_health.py) and the Prometheus scrape (bearer token; in a
    # browser, system administrators only).
    "readyz": public(),
    "metrics": Rule(allow=frozenset({"sysadmin"}), anon=HIDDEN),
    "clues:detail": page(STAFF, obj="clue"),
    "clues:edit": page(MANAGERS, obj="clue"),
    "clues:attachment": page(STAFF, obj="attachment"),
    "clues:letter": page(STAFF, obj="transfer", contexts=("transferred",)),
    "clues:report": step(RESPONSIBLE, data="report", contexts=WITH_UNIT),
    "clues:reassign": step(MANAGERS, data="reassign", contexts=HELD),
    "clues:answer": step(POLICE, data="answer", contexts=("transferred",)),
    # Through the page, the office and the responsible unit attach files (receivers attach to transfers).
    "clues:attach": step({c: MANAGERS | RESPONSIBLE[c] for c in CLUE_CONTEXTS}, data="attach"),
    # Only the own-unit clue is being verified: its unit records the finding there.
    "clues:finding": step({"own": TRANSPORT}, data="finding", contexts=SENSITIVE),
    # Steps whose state no context is in: sent empty, they must change nothing and show nothing.
    "clues:triage": step(),
    "clues:assign": step(),
    "clues:sign": step(),
    "clues:review": step(),
    "clues:transfer": step(),
    "clues:outcome": step(),
    "clues:conclude": step(),
    "clues:reopen": step(),
    "clues:recuse": step(),
    "clues:link": step(),
    "clues:merge": step(),
    # ---- cases (records: a missing id answers 404 to everyone; anonymous is sent to sign in) ----
    "cases:list": page(STAFF),
    "cases:export": page(STAFF),
    "cases:screening": page(STAFF),
    # Office staff register cases for their office tree; a police unit reports one to its own office.
    "cases:create": page(OFFICE_ACTORS | POLICE | {"district_police"}),
    "cases:detail": page(STAFF, obj="case"),
    # Office people of the case's office or above edit; others who see the case are sent back to it.
    "cases:edit": page(OFFICE_ACTORS, obj="case", bounce=True),
    "cases:stage": step(CASE_STAGE, obj="case", data="stage"),
    # No stage of these cases has a judgment to date: sent empty, it changes nothing.
    "cases:judgment": step(obj="case"),
    # The office, and the discipline commission that screens every case of its tree for 保护伞.
    "cases:screen": step(OFFICE_ACTORS | DISCIPLINE, obj="case", data="screen"),
    # Neither case's judgment is effective: concluding is refused for everyone, and shows nothing.
    "cases:conclude": step(obj="case", data="note"),
    # The cases are open: reopening is refused for everyone.
    "cases:reopen": step(obj="case", data="reason"),
    # 一案三查 and the assets ledger: boards and lists show only what the person's cases hold.
    "cases:checks": page(STAFF),
    "cases:accountability": page(STAFF),
    "cases:assets": page(STAFF),
    "cases:assets_export": page(STAFF),
    # Sent empty, these steps are refused for everyone and change nothing.
    "cases:check_conclude": step(obj="case"),
    "cases:check_reopen": step(obj="case"),
    "cases:accountability_add": step(obj="case"),
    "cases:asset_add": step(obj="case"),
    "cases:asset_plan": step(obj="case"),
    "cases:asset_dispose": step(obj="case"),
    # Suspects are recorded by those who record the case's stages; sent empty, a change is refused.
    "cases:suspect_add": step(CASE_STAGE, obj="case", data="suspect"),
    "cases:suspect_edit": step(obj="case"),
    # ---- typical cases, publicity, surveys (the matrix world has none of the records: 404 for everyone) ----
    "publicity:index": page(STAFF),
    "publicity:activities": page(STAFF),
    "publicity:surveys": page(STAFF),
    "publicity:survey_new": page(CITY_ACTORS | {"district_staff", "district_leader"}),
    "publicity:typical_new": page(frozenset(), obj="missing"),
    "publicity:typical": page(frozenset(), obj="missing"),
    "publicity:typical_approve": Rule(allow=frozenset(), obj="missing", method="POST"),
    "publicity:typical_export": page(STAFF),
    # ---- the portal ferry's state (#20): office staff and leaders ----
    "ferry:state": page(OFFICE_ACTORS),
    # ---- the exchange between levels (#21): office staff and leaders; no conflict in the matrix world ----
    "exchange:state": page(OFFICE_ACTORS),
    "exchange:resolve": Rule(allow=frozenset(), obj="missing", method="POST"),
    # The registry and gaps: the exchange office's leaders; no partner in the matrix world (tests/exchange).
    "exchange:accept_gap": Rule(allow=frozenset(), obj="missing", method="POST"),
    "exchange:revoke_key": Rule(allow=frozenset(), obj="missing", method="POST"),
    "exchange:leave": Rule(allow=frozenset(), obj="missing", method="POST"),
    "publicity:survey": page(frozenset(), obj="missing"),
    "publicity:survey_status": Rule(allow=frozenset(), obj="missing", method="POST"),
    # The public survey page: no survey is open in the matrix world.
    "publicity:answer": Rule(allow=frozenset(), anon=HIDDEN, obj="missing"),
    # ---- rectification ----
    "rectification:list": page(STAFF),
    "rectification:sectors": page(STAFF),
    "rectification:letters": page(STAFF),
    "rectification:letters_export": page(STAFF),
    "rectification:board": page(STAFF),
    # Lists are entered by the office for its tree (the form offers offices only).
    "rectification:list_create": page(OFFICE_ACTORS),
    "rectification:list_import": page(OFFICE_ACTORS),
    # Letters are registered by the office, or by a court, procuratorate, discipline or police unit.
    "rectification:letter_create": page(OFFICE_ACTORS | POLICE | DISCIPLINE | {"district_police"}),
    "rectification:case_choices": page(OFFICE_ACTORS | POLICE | DISCIPLINE | {"district_police"}),
    "rectification:problem_list": page(STAFF, obj="list"),
    "rectification:list_export": page(STAFF, obj="list"),
    "rectification:measure": page(STAFF, obj="measure"),
    "rectification:evidence": page(STAFF, obj="evidence"),
    "rectification:letter": page(STAFF, obj="letter"),
    # The responsible unit reports progress; nobody else, not even the office that sees it.
    "rectification:measure_progress": step(UNIT_PEOPLE, obj="measure", data="progress"),
    # No measure asks for sign-off yet: reviewing is refused for everyone.
    "rectification:measure_review": step(obj="measure", data="measure_review"),
    "rectification:letter_reply": step(UNIT_PEOPLE, obj="letter", data="reply"),
    # ---- supervision ----
    "supervision:board": page(STAFF),
    "supervision:overdue": page(STAFF),
    "supervision:todo": page(STAFF),
    "supervision:inbox": page(STAFF),
    "supervision:urging_list": page(STAFF),
    "supervision:listed_list": page(STAFF),
    "supervision:talk_list": page(STAFF),
    "supervision:notice_list": page(STAFF),
    "supervision:meeting_list": page(STAFF),
    "supervision:task_list": page(STAFF),
    # The 节假日安排 import: administrators only; a preview changes nothing, confirming is the audited action.
    "supervision:holiday_notice": page(ADMINS),
    # Sent empty, these changes must write nothing.
    "supervision:inbox_read": page(frozenset(), method="POST"),
    "supervision:talk_create": page(frozenset(), method="POST"),
    "supervision:notice_create": page(frozenset(), method="POST"),
    "supervision:meeting_create": page(frozenset(), method="POST"),
    "supervision:series_create": page(frozenset(), method="POST"),
    "supervision:task_create": page(frozenset(), method="POST"),
    "supervision:extension_request": step(),
    "supervision:urging_issue": step(),
    # Listing a clue is for a higher office than the clue's own; the city is the top of this world.
    "supervision:listed_create": page(frozenset(), obj="clue", params={"model": "clue"}, contexts=SENSITIVE),
    "supervision:listed_detail": page(STAFF, obj="listed"),
    "supervision:notice_detail": page(STAFF, obj="notice"),
    "supervision:meeting_detail": page(STAFF, obj="meeting"),
    "supervision:task_detail": page(STAFF, obj="task"),
    "supervision:urging_docx": page(STAFF, obj="urging"),
    # The office that manages the clue decides (the city also decides for the district's clue).
    "supervision:extension_decide": step(OFFICE_OF, obj="extension", data="decide"),
    # Only the office that listed (the city) lifts a listing.
    "supervision:listed_lift": step(CITY_ACTORS, obj="listed", data="lift"),
    "supervision:meeting_minutes": step(
        {"city": CITY_ACTORS, "district": OFFICE_ACTORS}, obj="meeting", data="minutes"
    ),
    "supervision:notice_acknowledge": step(UNIT_PEOPLE, obj="notice", data="nothing"),
    # The owner unit finishes a task, and so may the office that set it (or one above).
    "supervision:task_complete": step(
        by_unit(OFFICE_OF, ("own", "other", "district")), obj="task", data="done"
    ),
    # ---- reports: leaders read the dashboard; bulletins and assessment are the office's ----
    "reports:index": page(STAFF),
    "reports:dashboard": page(OFFICE | UNIT_LEADERS),
    "reports:dashboard_data": page(OFFICE | UNIT_LEADERS),
    "reports:figures": page(OFFICE | UNIT_LEADERS),
    "reports:bulletin": page(OFFICE),
    "reports:summary_xlsx": page(OFFICE),
    "reports:assessment": page(OFFICE),
    "reports:open": page(frozenset(), method="POST"),
    "reports:note_add": page(frozenset(), method="POST"),
    "reports:detail": page(STAFF, obj="report"),
    # A report from a lower instance (#21): none in the matrix world; tests/exchange checks who sees one.
    "reports:from_below": page(frozenset(), obj="missing"),
    # Only the unit's leader submits its report (construction's is submitted already).
    "reports:step": step(
        {"own": frozenset({"unit_leader"})}, obj="report", params={"name": "submit"}, data="submit"
    ),
    "reports:deduction_add": step(obj="missing"),
    # ---- figures typed in by the office and the units' liaisons ----
    "figures:index": page(OFFICE_ACTORS | LIAISONS),
    "figures:apply": page(frozenset(), method="POST"),
    # ---- search ----
    "search:index": page(STAFF),
    "search:duplicates": page(OFFICE_ACTORS),
    "search:link": step(),
    "search:merge": step(),
    # ---- the public portal: no account, one session per receipt ----
    "portal:index": public(),
    "portal:report": public(),
    "portal:receipt": public(),
    "portal:followup": public(),
    "portal:thread": public(),
    "portal:message": public(method="POST"),
    "portal:close": public(method="POST"),
    # ---- reporters, staff side: the reporter section of a clue; reveal is the custodian's (sent empty) ----
    "reporters:clue": page(STAFF, obj="clue"),
    "reporters:reveal": step(audits_refusals=True),
    "reporters:reply": step(),
    "reporters:outcome": step(),
    "reporters:mark_read": step(),
    "reporters:feedback": step(),
    # ---- screening drives (#22): lists read through the rule; record routes tried with a missing id here,
    # and with real records by persona in tests/drives/test_routes.py ----
    "drives:list": page(STAFF),
    # Drives are planned by an office for its tree; everyone else gets 404 (as the action refuses them).
    "drives:create": page(OFFICE_ACTORS),
    "drives:detail": page(STAFF, obj="drive"),
    "drives:records": page(STAFF, obj="drive", query="bucket=filed"),
    # The form is the unit's own: the office that sees the return does not file it.
    "drives:return_file": page({"own": TRANSPORT, "other": CONSTRUCTION}, obj="drive_return"),
    "drives:finding_register": step(obj="missing"),
    "drives:finding_rectify": step(obj="missing"),
    "drives:round_close": step(obj="missing"),
    "drives:close": step(obj="missing"),  # by persona in tests/drives/test_close_routes.py
    # ---- look-back reviews and call-backs (#22) ----
    "reviews:list": page(STAFF),
    "reviews:create": page(OFFICE_ACTORS),
    "reviews:assign": step({"city": CITY_ACTORS}, obj="campaign", data="review_assign"),
    # The item has no verdict yet: signing is refused for everyone.
    "reviews:close": step(obj="campaign", data="conclusion"),
    "reviews:callback_send": step(obj="missing"),
    "reviews:callback_assign": step(obj="missing"),  # by persona in tests/reviews/test_callback_assign.py
    "reviews:callbacks": page(STAFF),
    "reviews:detail": page(STAFF, obj="campaign"),
    # Only the reviewing unit gives the verdict.
    "reviews:verdict": step({"city": POLICE}, obj="review_item", data="verdict"),
    # Only the caller (the custodian the task is given to) opens the contact; the reveal is audited.
    "reviews:callback_contact": step({"city": CUSTODIANS}, obj="callback", data="nothing"),
    "reviews:callback_record": step({"city": CITY_ACTORS}, obj="callback", data="callback_outcome"),
    # ---- people and networks (#24): lists read through the rule; an entity exists for a person only when a
    # record they see names it, so record routes are tried with a missing id here and with real entities by
    # persona in tests/people/test_pages.py ----
    "people:list": page(PEOPLE_USERS),
    "people:leads": page(PEOPLE_USERS),
    # The registration hint is the registration form's (office actors); merges are theirs to decide.
    "people:hint": page(OFFICE_ACTORS),
    "people:candidates": page(OFFICE_ACTORS),
    "people:candidate_confirm": Rule(allow=frozenset(), obj="missing", method="POST"),
    "people:candidate_reject": Rule(allow=frozenset(), obj="missing", method="POST"),
    "people:unmerge": Rule(allow=frozenset(), obj="missing", method="POST"),
    "people:entity": page(frozenset(), obj="missing"),
    "people:relation_add": Rule(allow=frozenset(), obj="missing", method="POST"),
    "people:graph": page(frozenset(), obj="missing"),
    "people:graph_data": page(frozenset(), obj="missing"),
    "people:graph_export": page(frozenset(), obj="missing"),
}

# ---- API operations: "METHOD /api/path" as Django routes them ----
API: dict[str, Rule] = {
    "GET /api/org/units": api(STAFF),
    "GET /api/org/me": api(STAFF),
    # ---- the clue ledger ----
    "GET /api/clues/": api(STAFF),
    "GET /api/clues/export.xlsx": api(STAFF),
    "POST /api/clues/": api(OFFICE_ACTORS, method="POST", data="register"),
    "GET /api/clues/<int:clue_id>": api(STAFF, obj="clue"),
    "PATCH /api/clues/<int:clue_id>": api_step(MANAGERS, method="PATCH", data="edit"),
    "POST /api/clues/<int:clue_id>/reports": api_step(RESPONSIBLE, data="report", contexts=WITH_UNIT),
    "POST /api/clues/<int:clue_id>/reassign": api_step(MANAGERS, data="reassign", contexts=HELD),
    "POST /api/clues/transfers/<int:transfer_id>/answer": api_step(
        POLICE, obj="transfer", data="answer", contexts=("transferred",)
    ),
    "POST /api/clues/transfers/<int:transfer_id>/outcomes": api_step(
        obj="transfer", data="outcome", contexts=("transferred",)
    ),
    # The recused clue came back to the office when its unit was recused (#16): the office triages and assigns
    # it again; the other sensitive clues are with their units.
    "POST /api/clues/<int:clue_id>/triage": api_step(
        {"recused": MANAGERS}, data="triage", contexts=SENSITIVE
    ),
    "POST /api/clues/<int:clue_id>/assign": api_step(
        {"recused": MANAGERS}, data="assign", contexts=SENSITIVE
    ),
    "POST /api/clues/<int:clue_id>/finding": api_step({"own": TRANSPORT}, data="finding", contexts=SENSITIVE),
    "POST /api/clues/<int:clue_id>/sign": api_step(data="sign"),
    "POST /api/clues/<int:clue_id>/review": api_step(data="review"),
    "POST /api/clues/<int:clue_id>/transfer": api_step(data="transfer"),
    "POST /api/clues/<int:clue_id>/conclude": api_step(data="note"),
    "POST /api/clues/<int:clue_id>/reopen": api_step(data="reason"),
    "POST /api/clues/<int:clue_id>/link": api_step(data="other"),
    "POST /api/clues/<int:clue_id>/merge": api_step(data="other"),
    # ---- cases ----
    "GET /api/cases/cases": api(STAFF),
    "POST /api/cases/cases": api(frozenset(), method="POST"),
    "GET /api/cases/cases/<case_id>": api(STAFF, obj="case"),
    "PATCH /api/cases/cases/<case_id>": api_step(OFFICE_ACTORS, obj="case", method="PATCH", data="case_edit"),
    "POST /api/cases/cases/<case_id>/stages": api_step(CASE_STAGE, obj="case", data="stage"),
    "POST /api/cases/cases/<case_id>/screening": api_step(
        OFFICE_ACTORS | DISCIPLINE, obj="case", data="screen"
    ),
    "POST /api/cases/cases/<case_id>/conclude": api_step(obj="case", data="note"),
    "GET /api/cases/cases/<case_id>/checks": api(STAFF, obj="case"),
    "GET /api/cases/cases/<case_id>/accountability": api(STAFF, obj="case"),
    "GET /api/cases/cases/<case_id>/assets": api(STAFF, obj="case"),
    # Sent empty, the follow-up steps are refused for everyone and change nothing.
    "POST /api/cases/cases/<case_id>/checks/<kind>/conclude": api_step(obj="case", params={"kind": "crime"}),
    "POST /api/cases/cases/<case_id>/accountability": api_step(obj="case"),
    "POST /api/cases/cases/<case_id>/assets": api_step(obj="case"),
    "GET /api/cases/cases/<case_id>/suspects": api(STAFF, obj="case"),
    "POST /api/cases/cases/<case_id>/suspects": api_step(CASE_STAGE, obj="case", data="suspect"),
    "POST /api/cases/cases/<case_id>/assets/<item_id>/plan": api_step(obj="case", params={"item_id": "1"}),
    "POST /api/cases/cases/<case_id>/assets/<item_id>/disposals": api_step(
        obj="case", params={"item_id": "1"}
    ),
    # ---- rectification ----
    "GET /api/rectification/letters": api(STAFF),
    "POST /api/rectification/letters": api(frozenset(), method="POST"),
    "GET /api/rectification/letters/<letter_id>": api(STAFF, obj="letter"),
    "POST /api/rectification/letters/<letter_id>/reply": api_step(
        UNIT_PEOPLE, obj="letter", data="reply_api"
    ),
    "GET /api/rectification/lists": api(STAFF),
    "GET /api/rectification/lists/<list_id>/measures": api(STAFF, obj="list"),
    "GET /api/rectification/measures/<measure_id>": api(STAFF, obj="measure"),
    "POST /api/rectification/measures/<measure_id>/progress": api_step(
        UNIT_PEOPLE, obj="measure", data="progress"
    ),
    "POST /api/rectification/measures/<measure_id>/review": api_step(obj="measure", data="measure_review"),
    # ---- supervision ----
    "GET /api/supervision/todo": api(STAFF),
    "GET /api/supervision/board": api(STAFF),
    "GET /api/supervision/notifications": api(STAFF),
    "GET /api/supervision/extensions": api(STAFF),
    "GET /api/supervision/listed": api(STAFF),
    "POST /api/supervision/notifications/read": api(frozenset(), method="POST"),
    "POST /api/supervision/extensions": api(frozenset(), method="POST"),
    "POST /api/supervision/extensions/<ext_id>/decide": api_step(OFFICE_OF, obj="extension", data="decide"),
    # ---- reports ----
    "GET /api/reports/indicators": api(STAFF),
    "GET /api/reports/reports": api(STAFF),
    "GET /api/reports/dashboard": api(OFFICE | UNIT_LEADERS),
    "GET /api/reports/reports/<report_id>": api(STAFF, obj="report"),
    "POST /api/reports/reports/<report_id>/submit": api_step(
        {"own": frozenset({"unit_leader"})}, obj="report", data="submit"
    ),
    # The city office reviews construction's submitted report; the drafts cannot be reviewed yet.
    "POST /api/reports/reports/<report_id>/accept": api_step(
        {"other": CITY_ACTORS}, obj="report", data="submit"
    ),
    "POST /api/reports/reports/<report_id>/return": api_step(
        {"other": CITY_ACTORS}, obj="report", data="return"
    ),
    # ---- search and reporters ----
    "GET /api/search/": api(STAFF, query="q=团伙"),
    "POST /api/search/duplicates": api(frozenset(), method="POST"),
    "GET /api/reporters/clues/<clue_id>/messages": api(frozenset(), obj="missing"),
    "POST /api/reporters/clues/<clue_id>/reveal": api_step(audits_refusals=True),
    "POST /api/reporters/clues/<clue_id>/reply": api_step(),
    "POST /api/reporters/clues/<clue_id>/outcome": api_step(),
    "POST /api/reporters/clues/<clue_id>/feedback": api_step(),
    # ---- publicity (#23; the matrix world has no typical case or survey: 404 for everyone) ----
    "GET /api/publicity/typical": api(STAFF),
    "POST /api/publicity/typical": api(frozenset(), method="POST"),
    "POST /api/publicity/typical/<typical_id>/approve": api_step(obj="missing"),
    "GET /api/publicity/activities": api(STAFF),
    "POST /api/publicity/activities": api(frozenset(), method="POST"),
    "GET /api/publicity/surveys/<survey_id>/results": api(frozenset(), obj="missing"),
    # ---- screening drives (#22) ----
    "GET /api/drives/drives": api(STAFF),
    "GET /api/drives/returns": api(STAFF),
    "POST /api/drives/drives": api(frozenset(), method="POST"),
    "GET /api/drives/drives/<drive_id>/board": api(STAFF, obj="drive"),
    "POST /api/drives/returns/<return_id>": api_step(
        {"own": TRANSPORT, "other": CONSTRUCTION}, obj="drive_return", data="drive_return_api"
    ),
    "POST /api/drives/findings/<finding_id>/register": api_step(obj="missing"),
    "POST /api/drives/findings/<finding_id>/rectify": api_step(obj="missing"),
    "POST /api/drives/drives/<drive_id>/close": api_step(obj="missing"),  # tests/drives/test_close_routes.py
    "POST /api/drives/rounds/<round_id>/close": api_step(obj="missing"),
    # ---- look-back reviews and call-backs (#22) ----
    "GET /api/reviews/campaigns": api(STAFF),
    "GET /api/reviews/callbacks": api(STAFF),
    "GET /api/reviews/satisfaction": api(STAFF),
    "POST /api/reviews/campaigns": api(frozenset(), method="POST"),
    "POST /api/reviews/messages": api(frozenset(), method="POST"),
    "GET /api/reviews/campaigns/<campaign_id>/board": api(STAFF, obj="campaign"),
    "POST /api/reviews/campaigns/<campaign_id>/assign": api_step(
        {"city": CITY_ACTORS}, obj="campaign", data="assign_api"
    ),
    "POST /api/reviews/campaigns/<campaign_id>/close": api_step(obj="campaign", data="conclusion"),
    "POST /api/reviews/items/<item_id>/verdict": api_step(
        {"city": POLICE}, obj="review_item", data="verdict"
    ),
    "POST /api/reviews/callbacks/<task_id>/outcome": api_step(
        {"city": CITY_ACTORS}, obj="callback", data="callback_outcome"
    ),
    "POST /api/reviews/callbacks/<task_id>/assign": api_step(obj="missing"),  # test_callback_assign.py
    # ---- people and networks (#24): entities by persona in tests/people/test_api.py ----
    "GET /api/people/entities": api(PEOPLE_USERS),
    "GET /api/people/entities/<entity_id>": api(frozenset(), obj="missing"),
    "GET /api/people/entities/<entity_id>/graph": api(frozenset(), obj="missing"),
}

# Django's admin: every pattern under admin: answers only staff accounts (is_staff, the sysadmin role);
# everyone else is sent to the admin sign-in. Its routes come from the registered models, so they are
# matched as a group rather than one by one.
ADMIN_PREFIX = "admin:"
