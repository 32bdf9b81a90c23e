"""The authorization matrix, as data: who may open every route and every API operation.

Every URL pattern Django serves and every API operation must have an entry here; test_matrix fails on a
route without one (and on an entry whose route is gone). An entry says which personas of the standard
world (tests/conftest.py) get an answer, what anonymous visitors get, and, for a route about one record,
which record it is about. For records, who may see which one is written out below (VIEWERS) from the
rules in docs/architecture.md, independently of the code's querysets: the test intersects the two.

Outcomes:
  OK      2xx, or a redirect that is not to the sign-in or two-factor page
  LOGIN   a redirect to the sign-in page (pages)
  UNAUTH  401 with {"code", "message"} (API)
  DENY    403 or 404 (a role that may not use the route)
  HIDDEN  exactly 404: a record outside a person's sight, or a route that answers nobody
"""

from __future__ import annotations

from dataclasses import dataclass, field

OK, LOGIN, UNAUTH, DENY, HIDDEN = "ok", "login", "unauth", "deny", "hidden"

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


@dataclass(frozen=True)
class Rule:
    """Who may use a route: personas answered OK, what anonymous visitors get, and the record it is about."""

    allow: frozenset[str]
    anon: str = LOGIN
    # None, "clue" (filled with each context clue), or "missing" (a record that does not exist: 404 for all)
    obj: str | None = None
    method: str = "GET"
    data: dict[str, str] = field(default_factory=dict)
    # Fixed values for other URL parameters.
    params: dict[str, str] = field(default_factory=dict)
    # The route's success is a redirect to the sign-in page (signing out).
    signs_out: bool = False
    note: str = ""


def page(allow: frozenset[str], **kw) -> Rule:
    return Rule(allow=allow, **kw)


def public(**kw) -> Rule:
    return Rule(allow=STAFF, anon=OK, **kw)


def api(allow: frozenset[str], **kw) -> Rule:
    return Rule(allow=allow, anon=UNAUTH, **kw)


# ---- pages: "namespace:name" of every URL pattern (admin:* is checked as a whole, see below) ----
PAGES: dict[str, Rule] = {
    "core:home": page(STAFF),
    "core:healthz": public(),
    "accounts:login": public(),
    "accounts:logout": page(STAFF, method="POST", signs_out=True),
    "accounts:password_change": page(STAFF),
    "accounts:otp_verify": page(STAFF),
    "org:units": page(STAFF),
    # The API description is public (it names operations, never records); every operation needs a token.
    "api:openapi-json": public(),
    "api:openapi-view": public(),
    # django-ninja's root answers 404 outside DEBUG.
    "api:api-root": Rule(allow=frozenset(), anon=HIDDEN, obj="missing"),
    "set_language": public(method="POST", data={"language": "en", "next": "/"}),
}

# ---- API operations: "METHOD /api/path" as Django routes them ----
API: dict[str, Rule] = {
    "GET /api/org/units": api(STAFF),
    "GET /api/org/me": api(STAFF),
}

# Django's admin: every pattern under admin: answers only staff accounts (is_staff, the sysadmin role);
# everyone else is sent to the admin sign-in. Its routes come from the registered models, so they are
# matched as a group rather than one by one.
ADMIN_PREFIX = "admin:"
