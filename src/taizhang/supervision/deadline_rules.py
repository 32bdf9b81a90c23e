"""Where the deadline rules are stored: supervision's tables, read into the rule book `core.deadlines` computes
deadlines from (`due_at`, `add_workdays`, `policy_for` live there), and its cache dropped when they change."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from taizhang.core import deadlines
from taizhang.core.deadlines import Policy, RuleBook


def load_rule_book() -> RuleBook:
    """The calendar overrides, rules, policies, office lineage and confirmed years, as stored."""
    from taizhang.org.choices import UnitKind
    from taizhang.org.models import Unit
    from taizhang.supervision.models import CalendarOverride, DeadlineRule, HolidayNotice, SupervisionPolicy

    overrides = dict(CalendarOverride.objects.values_list("date", "is_workday"))
    rules: dict[int | None, dict[str, tuple[int, str]]] = {}
    for office_id, step, amount, kind in DeadlineRule.objects.values_list(
        "office_id", "step", "amount", "unit"
    ):
        rules.setdefault(office_id, {})[step] = (amount, kind)
    policies = {
        p.office_id: Policy(
            extension_cap_days=p.extension_cap_days,
            reminder_offsets=tuple(p.reminder_offsets()),
            escalate_leader_workdays=p.escalate_leader_workdays,
            escalate_office_workdays=p.escalate_office_workdays,
        )
        for p in SupervisionPolicy.objects.all()
    }
    lineage = {
        pk: tuple(int(x) for x in path.strip("/").split("/") if x)
        for pk, path in Unit.objects.filter(kind=UnitKind.OFFICE).values_list("pk", "path")
    }
    confirmed = frozenset(HolidayNotice.objects.values_list("year", flat=True))
    return RuleBook(overrides, rules, policies, lineage, confirmed)


def connect() -> None:
    """Hand the rule book to core.deadlines and drop its cache whenever this process changes what it holds."""
    from taizhang.org.models import Unit
    from taizhang.supervision.models import CalendarOverride, DeadlineRule, HolidayNotice, SupervisionPolicy

    deadlines.use_source(load_rule_book)
    # Units too: a new or moved office changes which rules it inherits.
    for model in (CalendarOverride, DeadlineRule, HolidayNotice, SupervisionPolicy, Unit):
        post_save.connect(
            deadlines.clear_cache, sender=model, dispatch_uid=f"supervision-cache-{model.__name__}"
        )
        post_delete.connect(
            deadlines.clear_cache, sender=model, dispatch_uid=f"supervision-cache-del-{model.__name__}"
        )
