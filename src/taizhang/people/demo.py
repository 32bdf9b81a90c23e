"""Demo people: a small network registered through the actions (a gang leader, his company and his
accomplices across several clues; their case with its suspects listed by the police; an official named in 保护伞
clues from two channels), the whole ledger resolved, and relations entered by office staff from the clues that
state them."""

from __future__ import annotations

from taizhang.core.demo_context import DemoContext


def populate(ctx: DemoContext) -> None:
    if "shb_staff" not in ctx.users or "CITY-SHB" not in ctx.units:
        return
    from taizhang.core.errors import ActionError
    from taizhang.people import actions
    from taizhang.people.choices import RelationKind
    from taizhang.people.models import Mention
    from taizhang.people.resolve import resolve_all

    clues = _network(ctx)
    _network_case(ctx, clues[0])
    resolve_all()
    staff = ctx.users["shb_staff"]
    _network_relations(ctx, clues)
    kinds = [RelationKind.SAME_CASE]
    by_clue: dict[int, list[int]] = {}
    for clue_id, entity_id in (
        Mention.objects.exclude(clue=None).order_by("clue_id", "pk").values_list("clue_id", "entity_id")
    ):
        by_clue.setdefault(clue_id, []).append(entity_id)
    made = 0
    for clue_id, entities in by_clue.items():
        if len(entities) < 2 or made >= 12:
            continue
        try:
            actions.do_add_relation(
                entities[0], entities[1], actor=staff, kind=kinds[made % len(kinds)], clue_id=clue_id
            )
        except ActionError:
            continue  # a clue staff do not see (保护伞): its relations are for those who do
        made += 1
    ctx.say(f"people: {Mention.objects.values('entity_id').distinct().count()} entities, {made} relations")


# (name, position, unit, ID or fragment, phone, official): the people the network's clues name.
LEADER = ("刘某强", "公司实际控制人", "某某砂石有限公司", "110105198003150012", "13912345678", False)
ACCOMPLICE = ("陈某", "同伙", "某某砂石有限公司", "", "13700001111", False)
COMPANY = ("某某砂石有限公司", "", "", "", "", False)
OFFICIAL = ("王某军", "派出所所长", "某区公安分局", "110105197505060012", "", True)
NETWORK = [
    ("letter", "刘某强团伙垄断砂石运输", [LEADER, COMPANY, ACCOMPLICE], False),
    (
        "phone",
        "劉某強纠集人员强揽河道采砂",
        [
            ("劉某強", "", "某某砂石有限公司", "110105198003150012", "", False),
            ("陳某", "同伙", "", "", "137 0000 1111", False),
        ],
        False,
    ),
    ("online", "王某军为刘某强团伙通风报信", [OFFICIAL, LEADER], True),
    (
        "superior",
        "派出所所长王某军充当保护伞",
        [("王某軍", "所长", "某区公安分局", "110105197505060012", "", True)],
        True,
    ),
]


def _network(ctx: DemoContext) -> list[int]:
    from taizhang.clues import actions
    from taizhang.clues.actions import SubjectData

    office = ctx.units["CITY-SHB"]
    registered = []
    for i, (channel, summary, people, umbrella) in enumerate(NETWORK):
        clue = actions.do_register_clue(
            actor=ctx.users["shb_staff"],
            office=office,
            channel=channel,
            received_at=ctx.days_ago(40 - 8 * i),
            summary=summary,
            facts=summary + "。群众反映情况属实待核。",
            subjects=[
                SubjectData(
                    name=name,
                    kind="organisation" if name.endswith("公司") else "person",
                    position=post,
                    unit_name=unit,
                    id_fragment=id_number,
                    phone_fragment=phone,
                    is_official=official,
                )
                for name, post, unit, id_number, phone, official in people
            ],
            alleges_umbrella=umbrella,
            source_ref=f"演示〔2026〕{i + 1}号" if channel == "superior" else "",
        )
        registered.append(clue.pk)
    return registered


# (name, ID or fragment, phone, place in the group, status): the suspects the police list on the gang's case.
SUSPECTS = [
    ("刘某强", "110105198003150012", "", "organiser", "caught"),
    ("陈某", "", "13700001111", "core", "at_large"),
    ("赵某飞", "", "", "member", "fugitive_caught"),
]


def _network_case(ctx: DemoContext, clue_id: int) -> None:
    """The gang's case, built from its first clue, with its suspects named by the city police."""
    from taizhang.cases import actions
    from taizhang.cases.suspects import do_add_suspect
    from taizhang.clues.models import Clue

    if "CITY-GA" not in ctx.units or "ga_liaison" not in ctx.users:
        return
    case = actions.do_register_case(
        actor=ctx.users["shb_staff"],
        office=ctx.units["CITY-SHB"],
        name="刘某强等人恶势力犯罪集团案",
        org_type="criminal_group",
        handling_units=[ctx.units["CITY-GA"]],
        clues=[Clue.objects.get(pk=clue_id)],
        brief="演示案件：刘某强纠集陈某等人垄断砂石运输。",
    )
    for name, id_number, phone, role, status in SUSPECTS:
        do_add_suspect(
            case.pk,
            actor=ctx.users["ga_liaison"],
            name=name,
            id_fragment=id_number,
            phone_fragment=phone,
            group_role=role,
            status=status,
        )


def _network_relations(ctx: DemoContext, clues: list[int]) -> None:
    """The leader employs his accomplice (a clue staff see); the official takes money from him (a 保护伞 clue:
    entered by an office leader, seen only by those who see that clue)."""
    from taizhang.people import actions
    from taizhang.people.choices import RelationKind
    from taizhang.people.models import Mention

    def entity(clue_id: int, name: str) -> int:
        return Mention.objects.get(clue_id=clue_id, name=name).entity_id

    leader = ctx.users.get("shb_leader", ctx.users["shb_staff"])
    actions.do_add_relation(
        entity(clues[0], "刘某强"),
        entity(clues[0], "陈某"),
        actor=leader,
        kind=RelationKind.EMPLOYMENT,
        clue_id=clues[0],
        note="雇佣其为砂场管理人员",
    )
    actions.do_add_relation(
        entity(clues[2], "王某军"),
        entity(clues[2], "刘某强"),
        actor=leader,
        kind=RelationKind.MONEY,
        clue_id=clues[2],
        note="多次收受现金",
    )
