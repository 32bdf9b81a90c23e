"""Demo organisation: a fictional city office, three district offices, member units and one account per role."""

from __future__ import annotations

from taizhang.core.demo_context import DEMO_PASSWORD, DemoContext
from taizhang.org.choices import RoleCode, UnitKind
from taizhang.org.models import Role, Unit, User

CITY = ("CITY-SHB", "江川市扫黑除恶斗争领导小组办公室", "市扫黑办")

CITY_MEMBERS = [
    ("CITY-GA", "江川市公安局", "市公安局", UnitKind.POLICE),
    ("CITY-JCY", "江川市人民检察院", "市检察院", UnitKind.PROCURATORATE),
    ("CITY-FY", "江川市中级人民法院", "市中院", UnitKind.COURT),
    ("CITY-JW", "江川市纪委监委", "市纪委监委", UnitKind.DISCIPLINE),
    ("CITY-JT", "江川市交通运输局", "市交通运输局", UnitKind.SECTOR_LEAD),
    ("CITY-ZR", "江川市自然资源和规划局", "市自然资源局", UnitKind.SECTOR_LEAD),
    ("CITY-ZJ", "江川市住房和城乡建设局", "市住建局", UnitKind.SECTOR_LEAD),
    ("CITY-WX", "中共江川市委网络安全和信息化委员会办公室", "市委网信办", UnitKind.SECTOR_LEAD),
    ("CITY-CG", "江川市城市管理局", "市城管局", UnitKind.MEMBER),
    ("CITY-SJ", "江川市市场监督管理局", "市市场监管局", UnitKind.MEMBER),
    ("CITY-ST", "江川市生态环境局", "市生态环境局", UnitKind.MEMBER),
    ("CITY-SW", "江川市水务局", "市水务局", UnitKind.MEMBER),
    ("CITY-WL", "江川市文化广电旅游局", "市文广旅局", UnitKind.MEMBER),
    ("CITY-MZ", "江川市民政局", "市民政局", UnitKind.MEMBER),
    ("CITY-NY", "江川市农业农村局", "市农业农村局", UnitKind.MEMBER),
    ("CITY-XF", "江川市信访局", "市信访局", UnitKind.MEMBER),
    ("CITY-SF", "江川市司法局", "市司法局", UnitKind.MEMBER),
    ("CITY-JR", "江川市地方金融管理局", "市金融局", UnitKind.MEMBER),
]

DISTRICTS = [
    ("DH", "东湖区"),
    ("XL", "西岭区"),
    ("NT", "南台县"),
]

DISTRICT_MEMBERS = [
    ("GA", "公安分局", UnitKind.POLICE),
    ("CG", "城市管理局", UnitKind.MEMBER),
    ("ZJ", "住房和城乡建设局", UnitKind.MEMBER),
]

# username, display name, unit code, title, roles
PEOPLE = [
    ("admin", "系统管理员", "CITY-SHB", "信息科科长", [RoleCode.SYSADMIN]),
    ("shb_staff", "王晓雯", "CITY-SHB", "综合组干部", [RoleCode.OFFICE_STAFF]),
    (
        "shb_leader",
        "陈建国",
        "CITY-SHB",
        "市扫黑办常务副主任",
        [RoleCode.OFFICE_LEADER, RoleCode.OFFICE_STAFF],
    ),
    ("group_member", "周立新", "CITY-SHB", "领导小组副组长", [RoleCode.GROUP_MEMBER]),
    (
        "custodian",
        "李慧敏",
        "CITY-SHB",
        "线索管理组组长",
        [RoleCode.IDENTITY_CUSTODIAN, RoleCode.OFFICE_STAFF],
    ),
    ("jt_liaison", "赵海涛", "CITY-JT", "法规科联络员", [RoleCode.LIAISON]),
    ("jt_handler", "孙明", "CITY-JT", "运输管理科科员", [RoleCode.HANDLER]),
    ("jt_leader", "刘振华", "CITY-JT", "副局长", [RoleCode.UNIT_LEADER]),
    ("ga_liaison", "马骏", "CITY-GA", "刑侦支队联络员", [RoleCode.LIAISON, RoleCode.HANDLER]),
    ("ga_leader", "郑国强", "CITY-GA", "副局长", [RoleCode.UNIT_LEADER]),
    ("jw_handler", "何静", "CITY-JW", "第五审查调查室干部", [RoleCode.DISCIPLINE_HANDLER, RoleCode.LIAISON]),
    ("jw_leader", "高远", "CITY-JW", "副书记", [RoleCode.UNIT_LEADER, RoleCode.DISCIPLINE_HANDLER]),
    ("zr_liaison", "黄丽", "CITY-ZR", "执法监察支队联络员", [RoleCode.LIAISON, RoleCode.HANDLER]),
    ("zr_leader", "吴刚", "CITY-ZR", "副局长", [RoleCode.UNIT_LEADER]),
    ("cg_liaison", "林涛", "CITY-CG", "执法支队联络员", [RoleCode.LIAISON, RoleCode.HANDLER]),
    ("cg_leader", "许文斌", "CITY-CG", "副局长", [RoleCode.UNIT_LEADER]),
    ("dh_staff", "冯雪", "DH-SHB", "区扫黑办干部", [RoleCode.OFFICE_STAFF]),
    ("dh_leader", "蒋伟", "DH-SHB", "区扫黑办主任", [RoleCode.OFFICE_LEADER, RoleCode.OFFICE_STAFF]),
    ("dh_ga_liaison", "韩冰", "DH-GA", "刑侦大队联络员", [RoleCode.LIAISON, RoleCode.HANDLER]),
    ("dh_ga_leader", "曹勇", "DH-GA", "副局长", [RoleCode.UNIT_LEADER]),
]


def _unit(
    ctx: DemoContext, code: str, name: str, short: str, kind: str, parent: Unit | None, order: int
) -> Unit:
    unit = Unit.objects.create(
        code=code, name=name, short_name=short, kind=kind, parent=parent, sort_order=order
    )
    ctx.units[code] = unit
    return unit


def populate(ctx: DemoContext) -> None:
    city = _unit(ctx, CITY[0], CITY[1], CITY[2], UnitKind.OFFICE, None, 0)
    for order, (code, name, short, kind) in enumerate(CITY_MEMBERS, start=1):
        _unit(ctx, code, name, short, kind, city, order)
    for d_order, (prefix, district) in enumerate(DISTRICTS, start=100):
        office = _unit(
            ctx,
            f"{prefix}-SHB",
            f"{district}扫黑除恶斗争领导小组办公室",
            f"{district}扫黑办",
            UnitKind.OFFICE,
            city,
            d_order,
        )
        for order, (suffix, name, kind) in enumerate(DISTRICT_MEMBERS, start=1):
            _unit(
                ctx, f"{prefix}-{suffix}", f"江川市{district}{name}", f"{district}{name}", kind, office, order
            )
    roles = {role.code: role for role in Role.objects.all()}
    for username, display, unit_code, title, role_codes in PEOPLE:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            display_name=display,
            unit=ctx.units[unit_code],
            title=title,
            email=f"{username}@example.invalid",
            is_staff=RoleCode.SYSADMIN in role_codes,
            is_superuser=RoleCode.SYSADMIN in role_codes,
        )
        user.roles.set([roles[code] for code in role_codes])
        ctx.users[username] = user
    ctx.say(f"units: {Unit.objects.count()}, people: {User.objects.count()} (password: {DEMO_PASSWORD})")
