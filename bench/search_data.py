"""Bulk clue data for bench/search.py and bench/dedupe.py: N clues on PostgreSQL, loaded with COPY.

Not the ledger's generator: rows are written straight into the tables (with their search documents and
duplicate keys computed by the real code, in parallel) so a million clues load in minutes. 90% of the clues
belong to the city office and 10% to a district office under it; 2% are assigned to a member unit, 5% are 保护伞
clues, 1% name (recuse) the member unit.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import time
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")

WORDS = [
    "渣土",
    "砂石",
    "运输",
    "垄断",
    "工程",
    "强揽",
    "土方",
    "殴打",
    "威胁",
    "恐吓",
    "收取",
    "保护费",
    "高利",
    "放贷",
    "暴力",
    "催收",
    "赌场",
    "聚众",
    "斗殴",
    "寻衅",
    "滋事",
    "非法",
    "采砂",
    "采矿",
    "占地",
    "拆迁",
    "补偿",
    "村霸",
    "宗族",
    "势力",
    "操纵",
    "选举",
    "干扰",
    "基层",
    "政权",
    "欺行",
    "霸市",
    "农贸",
    "市场",
    "摊位",
    "出租",
    "车站",
    "码头",
    "物流",
    "客运",
    "线路",
    "出租车",
    "营运",
    "停车",
    "场所",
    "娱乐",
    "歌厅",
    "酒吧",
    "洗浴",
    "网吧",
    "棋牌",
    "传销",
    "诈骗",
    "套路贷",
    "虚假",
    "诉讼",
    "强迫",
    "交易",
    "敲诈",
    "勒索",
    "故意",
    "伤害",
    "非法",
    "拘禁",
    "开设",
    "赌场",
    "组织",
    "卖淫",
    "毒品",
    "贩卖",
    "吸毒",
    "工地",
    "材料",
    "供应",
    "承包",
    "转包",
    "招标",
    "投标",
    "围标",
    "串标",
    "国有",
    "资产",
    "侵占",
    "挪用",
    "资金",
    "贪污",
    "受贿",
    "行贿",
    "包庇",
    "纵容",
    "充当",
    "保护伞",
    "民警",
    "干部",
    "村支书",
    "村主任",
    "镇长",
    "局长",
    "科长",
    "所长",
    "队长",
    "社区",
    "物业",
    "小区",
    "业主",
    "装修",
    "押金",
    "垃圾",
    "清运",
    "殡葬",
    "墓地",
    "医疗",
    "药品",
    "器械",
    "校园",
    "周边",
    "食品",
    "安全",
    "环境",
    "污染",
    "排放",
    "河道",
    "森林",
    "草原",
    "养殖",
    "屠宰",
    "生猪",
    "水产",
    "海域",
    "渔船",
    "电信",
    "网络",
    "平台",
    "直播",
    "刷单",
    "洗钱",
    "跑分",
    "银行卡",
    "手机卡",
    "城东",
    "城西",
    "城南",
    "城北",
    "开发区",
    "新区",
    "老城",
    "郊区",
    "乡镇",
    "街道",
    "夜间",
    "长期",
    "多次",
    "纠集",
    "闲散",
    "人员",
    "群众",
    "来信",
    "来电",
    "反映",
    "举报",
    "投诉",
    "无果",
    "要求",
    "调查",
    "处理",
    "核实",
    "情况",
    "严重",
    "影响",
    "恶劣",
    "损失",
    "巨大",
    "受害",
    "车主",
    "司机",
    "老板",
    "商户",
    "居民",
    "农户",
    "村民",
    "工人",
    "学生",
    "老人",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
COMPANIES = [
    "宏达物业公司",
    "顺风运输公司",
    "鑫源砂石场",
    "恒通建筑公司",
    "金鼎娱乐城",
    "永兴物流",
    "华宇建材",
]


def facts_text(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(22, 40))]
    out = []
    for i, word in enumerate(words):
        out.append(word)
        if i % rng.randint(4, 8) == 3:
            out.append(rng.choice("，，，、；"))
    return "".join(out) + "。"


def clue_rows(start: int, count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed * 1_000_003 + start)
    rows = []
    for i in range(start, start + count):
        subjects = []
        for _ in range(rng.choice((1, 1, 1, 2))):
            subjects.append(
                {
                    "name": rng.choice(SURNAMES) + rng.choice(("某", "某某", "某甲", "某乙")),
                    "unit_name": rng.choice(COMPANIES) if rng.random() < 0.4 else "",
                    "phone_fragment": f"1{rng.randint(3000000000, 9999999999)}" if rng.random() < 0.3 else "",
                    "id_fragment": "",
                }
            )
        rows.append(
            {
                "id": i,
                "summary": "".join(rng.choice(WORDS) for _ in range(3)),
                "facts": facts_text(rng),
                "place": rng.choice(WORDS[-40:]),
                "subjects": subjects,
                "umbrella": rng.random() < 0.05,
                "assigned": rng.random() < 0.02,
                "recused": rng.random() < 0.01,
                "days": rng.randint(0, 1500),
                "district": rng.random() < 0.10,
            }
        )
    return rows


def _derive(rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str, str, list[tuple[str, int]]]]:
    """Worker: search tokens and duplicate keys of a batch (the real functions the app uses)."""
    from taizhang.search.duplicates import Probe, keys_of
    from taizhang.search.index import tokens

    out = []
    for row in rows:
        subjects = row["subjects"]
        title = f"{row['number']} {row['summary']}"
        body = "\n".join(
            [
                "；".join(s["name"] + (f"（{s['unit_name']}）" if s["unit_name"] else "") for s in subjects),
                row["place"],
                row["facts"],
            ]
        )
        probe = Probe(
            facts=row["facts"],
            subjects=[(s["name"], s["unit_name"]) for s in subjects],
            phones=[s["phone_fragment"] for s in subjects if s["phone_fragment"]],
        )
        if row.get("real_bands"):
            keys = [(kind, key) for kind, key, _l in keys_of(probe)]
        else:
            # Unrelated texts' band keys are effectively random 64-bit values; drawing them instead of hashing
            # a million texts keeps the load in minutes on a small machine (bench/dedupe.py adds real ones).
            probe.facts = ""
            rng = random.Random(row["id"])
            keys = [(kind, key) for kind, key, _l in keys_of(probe)]
            keys += [("band", rng.getrandbits(64) - (1 << 63)) for _ in range(32)]
        out.append((row, title, body, keys, tokens(title), tokens(body)))
    return out


def _copy(cursor: Any, table: str, columns: list[str], rows: list[tuple]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def setup() -> None:
    from generate import production_env  # bench/ is on the path of the scripts that import this module

    production_env()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def world() -> dict[str, Any]:
    """The office, member unit and the people the benches search as (created once)."""
    from taizhang.org.choices import RoleCode, UnitKind
    from taizhang.org.models import Role, Unit, User

    city, _ = Unit.objects.get_or_create(
        code="BCITY", defaults={"name": "基准市扫黑办", "kind": UnitKind.OFFICE}
    )
    member, _ = Unit.objects.get_or_create(
        code="BJT", defaults={"name": "基准市交通运输局", "kind": UnitKind.SECTOR_LEAD, "parent": city}
    )
    district, _ = Unit.objects.get_or_create(
        code="BDIST", defaults={"name": "基准区扫黑办", "kind": UnitKind.OFFICE, "parent": city}
    )
    people = {}
    for username, unit, roles in (
        ("bench_staff", city, [RoleCode.OFFICE_STAFF]),
        ("bench_district", district, [RoleCode.OFFICE_STAFF]),
        ("bench_leader", city, [RoleCode.OFFICE_LEADER, RoleCode.OFFICE_STAFF]),
        ("bench_liaison", member, [RoleCode.LIAISON]),
    ):
        user, created = User.objects.get_or_create(username=username, defaults={"unit": unit})
        if created:
            user.roles.set(Role.objects.filter(code__in=roles))
        people[username] = user
    return {"city": city, "district": district, "member": member, "people": people}


def ensure(n: int, seed: int = 7, batch: int = 20_000) -> dict[str, Any]:
    """Make sure at least n bench clues exist (loading the missing ones); returns the world."""
    from django.db import connection

    from taizhang.clues.models import Clue

    w = world()
    have = Clue.objects.filter(office__in=[w["city"], w["district"]]).count()
    if have >= n:
        return w
    staff = w["people"]["bench_staff"]
    start_id = (Clue.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    print(f"loading {n - have:,} clues …", flush=True)
    # Secondary indexes are dropped during the load and built once at the end (much faster than maintaining
    # them row by row); primary keys and unique constraints stay.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [LOADED_TABLES],
        )
        dropped = cursor.fetchall()
        for name, _definition in dropped:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    connection.close()
    chunks = [(start_id + i, min(batch, n - have - i)) for i in range(0, n - have, batch)]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(max(1, os.cpu_count() or 1)) as pool:
        jobs = []
        for first, count in chunks:
            rows = clue_rows(first, count, seed)
            for row in rows:
                row["number"] = f"B{row['id']:09d}"
            jobs.append(pool.apply_async(_derive, (rows,)))
        done, waited, written = 0, 0.0, 0.0
        for job in jobs:
            t0 = time.perf_counter()
            derived = job.get()
            t1 = time.perf_counter()
            _write(derived, w, staff, now)
            waited, written = waited + t1 - t0, written + time.perf_counter() - t1
            done += len(derived)
            rate = done / (time.perf_counter() - started)
            print(
                f"  {done:,} clues ({rate:,.0f}/s; waiting {waited:.0f} s, writing {written:.0f} s)",
                flush=True,
            )
    with connection.cursor() as cursor:
        print(f"building {len(dropped)} indexes …", flush=True)
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in dropped:
            cursor.execute(definition)
        for table in ("clues_clue", "clues_reportedsubject", "clues_assignment", "clues_recusal"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            )
    # The load switched triggers off, so recount what they keep (ledger counts and reports read it).
    from generate import recount_trigger_tables

    recount_trigger_tables()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"loaded in {time.perf_counter() - started:,.0f} s", flush=True)
    return w


LOADED_TABLES = [
    "clues_clue",
    "clues_reportedsubject",
    "clues_assignment",
    "clues_recusal",
    "search_searchdocument",
    "search_cluekey",
]
CLUE_COLUMNS = [
    "id",
    "number",
    "office_id",
    "channel",
    "source_ref",
    "received_at",
    "summary",
    "facts",
    "place",
    "alleges_umbrella",
    "is_umbrella",
    "category",
    "priority",
    "status",
    "referred_to",
    "triage_note",
    "deadline_step",
    "finding_result",
    "reopen_count",
    "import_key",
    "version",
    "created_at",
    "updated_at",
]


def _write(derived: list, w: dict[str, Any], staff: Any, now: dt.datetime) -> None:
    from django.db import connection, transaction

    member = w["member"]
    clues, subjects, docs, keys, assignments, recusals = [], [], [], [], [], []
    for row, title, body, row_keys, title_tokens, body_tokens in derived:
        received = now - dt.timedelta(days=row["days"], minutes=row["id"] % 1440)
        clues.append(
            (
                row["id"],
                row["number"],
                w["district"].pk if row.get("district") else w["city"].pk,
                "letter",
                "",
                received,
                row["summary"],
                row["facts"],
                row["place"],
                row["umbrella"],
                row["umbrella"],
                "evil",
                "normal",
                "assigned" if row["assigned"] else "triaged",
                "",
                "",
                "",
                "",
                0,
                "",
                1,
                received,
                received,
            )
        )
        for s in row["subjects"]:
            subjects.append(
                (row["id"], "person", s["name"], "", s["unit_name"], False, "", s["phone_fragment"])
            )
        docs.append(("clues.clue", row["id"], title[:300], body, title_tokens, body_tokens, received, now))
        keys += [(row["id"], kind, key) for kind, key in row_keys]
        if row["assigned"]:
            assignments.append(
                (row["id"], member.pk, received + dt.timedelta(days=30), "", "", staff.pk, received, True, "")
            )
        if row["recused"]:
            recusals.append((row["id"], member.pk, ""))
    with transaction.atomic(), connection.cursor() as cursor:
        # The rows are consistent by construction; skipping the per-row foreign-key triggers (superuser only,
        # as on the bench servers) makes the load several times faster.
        if connection.connection.info.parameter_status("is_superuser") == "on":
            cursor.execute("SET LOCAL session_replication_role = replica")
        _copy(cursor, "clues_clue", CLUE_COLUMNS, clues)
        _copy(
            cursor,
            "clues_reportedsubject",
            [
                "clue_id",
                "kind",
                "name",
                "position",
                "unit_name",
                "is_official",
                "id_fragment",
                "phone_fragment",
            ],
            subjects,
        )
        _copy(
            cursor,
            "search_searchdocument",
            [
                "model",
                "object_id",
                "title",
                "body",
                "title_tokens",
                "body_tokens",
                "sort_at",
                "indexed_at",
            ],
            docs,
        )
        _copy(cursor, "search_cluekey", ["clue_id", "kind", "key"], keys)
        _copy(
            cursor,
            "clues_assignment",
            [
                "clue_id",
                "unit_id",
                "due_at",
                "instructions",
                "reason",
                "assigned_by_id",
                "assigned_at",
                "is_current",
                "ended_reason",
            ],
            assignments,
        )
        _copy(cursor, "clues_recusal", ["clue_id", "unit_id", "reason"], recusals)


def add_real(w: dict[str, Any], rows: list[dict[str, Any]]) -> list[int]:
    """Insert clues whose band keys come from their real facts (for the duplicate bench); returns their ids."""
    from django.db.models import Max

    from taizhang.clues.models import Clue

    first = (Clue.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    for i, row in enumerate(rows):
        row.update(id=first + i, number=f"R{first + i:09d}", real_bands=True)
    _write(_derive(rows), w, w["people"]["bench_staff"], dt.datetime.now(dt.UTC))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('clues_clue', 'id'), (SELECT max(id) FROM clues_clue))"
        )
    return [row["id"] for row in rows]
