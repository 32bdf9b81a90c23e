"""Print the time of people resolution per clue, the registration hint, the entity page and the graph.

    .venv/bin/python bench/people.py --clues 2000            # SQLite under /tmp
    PYTHONPATH=src .venv/bin/python scripts/with_postgres.py -- .venv/bin/python bench/people.py --clues 20000
    TAIZHANG_DATABASE_URL=… .venv/bin/python bench/people.py --again   # re-time on a ledger built before
    … bench/people.py --clues 1000000 --build-only, then … --resolve   # build now, resolve and time later
It migrates a fresh database, bulk-creates clues with ~1.3 subjects each drawn from a city's people (surnames by
their population shares, Zipf given names, employers of their own, some regulars; Traditional and spaced
variants, full or partial IDs), resolves the whole ledger set-based (time, resident memory at each tenth, peak),
then times one new clue's resolution, the hint, an entity page and a depth-2 graph around the busiest entity
(≥ 250 records) as the city office leader sees them (best of 5, milliseconds). Production settings (DEBUG off).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
os.environ.setdefault("TAIZHANG_VAR_DIR", "/tmp/taizhang-bench-people")
# Production settings, as a server runs them (DEBUG keeps every query in memory: a 1M-clue resolution under
# DEBUG grows without bound). The test Client talks plain HTTP as "testserver" (in the default ALLOWED_HOSTS).
os.environ.setdefault("TAIZHANG_DEBUG", "0")
os.environ.setdefault("TAIZHANG_SSL_REDIRECT", "0")
os.environ.setdefault("TAIZHANG_SECRET_KEY", "bench-" + "k" * 60)

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from taizhang.clues.choices import Channel  # noqa: E402
from taizhang.clues.models import Assignment, Clue, ReportedSubject  # noqa: E402
from taizhang.org.choices import RoleCode, UnitKind  # noqa: E402
from taizhang.org.models import Role, Unit, User  # noqa: E402
from taizhang.people import reading  # noqa: E402
from taizhang.people.models import Mention, MergeCandidate  # noqa: E402
from taizhang.people.resolve import resolve_all, resolve_clue  # noqa: E402

# Surnames with their approximate shares of the population (per cent; the Ministry of Public Security's 2020
# ranking: the first 20 carry ~53 %), then 60 less common ones sharing what remains of the first 100 (~86 %).
SURNAME_SHARES = {
    "王": 7.1, "李": 7.0, "张": 6.7, "刘": 5.1, "陈": 4.6, "杨": 3.2, "黄": 2.5, "赵": 2.2, "吴": 2.0, "周": 1.9,
    "徐": 1.5, "孙": 1.5, "马": 1.4, "朱": 1.3, "胡": 1.2, "郭": 1.2, "何": 1.1, "林": 1.1, "高": 1.1, "罗": 0.9,
    "郑": 0.9, "梁": 0.8, "谢": 0.8, "宋": 0.7, "唐": 0.7, "许": 0.7, "韩": 0.6, "冯": 0.6, "邓": 0.6, "曹": 0.6,
    "彭": 0.6, "曾": 0.6, "肖": 0.5, "田": 0.5, "董": 0.5, "袁": 0.5, "潘": 0.5, "于": 0.5, "蒋": 0.5, "蔡": 0.5,
}  # fmt: skip
RARE_SURNAMES = "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
# Given-name characters, most used first: a character's weight falls with its rank (Zipf), so 伟, 芳, 娜 … are
# common and a 2-character given name (four names in five) is rarely shared.
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力鹏宇浩凯俊志新海波斌峰亮飞云"
    "林晨欣怡婷雪琳颖佳慧琴燕晶鑫帅健春梅宏兵东利丹瑞淑荣凤霖嘉博凡宁翔龙振彬坤远旭德庆晓晖"
)
VARIANTS = {"张": "張", "刘": "劉", "陈": "陳", "杨": "楊", "黄": "黃", "赵": "趙", "孙": "孫", "马": "馬"}
PLACES = "东城西城南关北关河西江北新区开发区高新城南城北沙河龙湾白石"
TRADES = ["建筑", "运输", "砂石", "物流", "置业", "矿业", "餐饮", "娱乐", "商贸", "拆迁", "劳务", "渔业"]
FORMS = ["有限公司", "工程有限公司", "合作社", "经营部", "集团有限公司"]

SURNAMES = list(SURNAME_SHARES) + list(RARE_SURNAMES)
SURNAME_WEIGHTS = list(SURNAME_SHARES.values()) + [
    (86 - sum(SURNAME_SHARES.values())) / len(RARE_SURNAMES)
] * len(RARE_SURNAMES)
GIVEN_WEIGHTS = [1 / (rank + 1) for rank in range(len(GIVEN))]


def valid_id(rng: random.Random) -> str:
    base = f"110105{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return base + ric.calc_check_digit(base + "0")  # it reads the first 17 digits


def person(index: int) -> tuple[str, str, str]:
    """Person `index` of the city (name, full ID, employer), the same in every chunk and run."""
    rng = random.Random(index * 7919 + 24)
    given = "".join(rng.choices(GIVEN, GIVEN_WEIGHTS, k=1 if rng.random() < 0.2 else 2))
    name = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0] + given
    place = PLACES[2 * rng.randrange(len(PLACES) // 2) :][:2]
    employer = f"{place}{rng.choice(TRADES)}{rng.choice(FORMS)}{rng.randrange(50) or ''}"
    return name, valid_id(rng), employer if rng.random() < 0.6 else ""


CHUNK = 50_000
# Clues per batch of the initial resolution (one transaction and a few queries each).
BATCH = 2000


def build(
    n: int, *, total: int, offset: int = 0, leader: User | None = None, city: Unit | None = None
) -> tuple[User, Unit]:
    rng = random.Random(24 + offset)
    if city is None or leader is None:
        city = Unit.objects.create(code="P-CITY", name="基准市扫黑办", kind=UnitKind.OFFICE)
        Unit.objects.create(code="P-JT", name="基准市交通局", kind=UnitKind.MEMBER, parent=city)
        leader = User.objects.create_user(username="bench_leader", password="x", unit=city)
        leader.roles.add(*Role.objects.filter(code__in=[RoleCode.OFFICE_LEADER, RoleCode.OFFICE_STAFF]))
    unit = Unit.objects.get(code="P-JT")
    # The city's people: about one person per two subjects, one in ten subjects drawn from the 1 % of them who
    # come back again and again (a repeat subject is named ~20 times, the others once or twice).
    persons = max(50, total // 2)
    regulars = max(5, persons // 100)
    now = timezone.now()
    clues = Clue.objects.bulk_create(
        [
            Clue(
                number=f"P-{offset + i:07d}",
                office=city,
                channel=rng.choice(Channel.values),
                received_at=now,
                summary="基准线索",
                facts="群众反映有人强揽工程。",
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    subjects = []
    # One busy person (a full valid ID, so every mention is one entity) named beside others in HUB_EVERY-th
    # clue: the entity page and the depth-2 graph are timed around at least 200 records.
    hub_id = valid_id(random.Random(2024))
    hub_every = max(1, min(total // 250, 4000))
    for i, clue in enumerate(clues):
        if i % hub_every == 0:
            subjects.append(
                ReportedSubject(clue=clue, name="黄某龙", unit_name="某建筑公司", id_fragment=hub_id)
            )
        for _ in range(1 if rng.random() < 0.7 else 2):
            name, id_number, employer = person(
                rng.randrange(regulars) if rng.random() < 0.1 else rng.randrange(persons)
            )
            if rng.random() < 0.2:
                name = "".join(VARIANTS.get(ch, ch) for ch in name)
            if rng.random() < 0.1:
                name = " ".join(name)
            subjects.append(
                ReportedSubject(
                    clue=clue,
                    name=name,
                    unit_name=employer if rng.random() < 0.7 else "",
                    id_fragment=id_number
                    if rng.random() < 0.3
                    else id_number[-4:]
                    if rng.random() < 0.3
                    else "",
                )
            )
    ReportedSubject.objects.bulk_create(subjects, batch_size=2000)
    Assignment.objects.bulk_create(
        [Assignment(clue=c, unit=unit, due_at=now, assigned_by=leader) for c in clues[: n // 2]],
        batch_size=2000,
    )
    return leader, city


def build_in_chunks(n: int) -> tuple[User, Unit]:
    """Build the ledger CHUNK clues at a time (the lists of one chunk only are held in memory)."""
    leader: User | None = None
    city: Unit | None = None
    done = 0
    while done < n:
        size = min(CHUNK, n - done)
        leader, city = build(size, total=n, offset=done, leader=leader, city=city)
        done += size
        print(f"  built {done}/{n} clues  {stamp()}", flush=True)
    assert leader is not None and city is not None
    return leader, city


def stamp() -> str:
    """The UTC time and the load average, printed beside each step of a long run."""
    with open("/proc/loadavg") as f:
        return time.strftime("%H:%M:%S UTC", time.gmtime()) + "  load " + " ".join(f.read().split()[:3])


def rss_mib() -> float:
    """The process's resident memory now (not its peak)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def name_of_busiest() -> str:
    busiest = Mention.objects.values("name").annotate(n=Count("id")).order_by("-n").first()
    return busiest["name"] if busiest else "张伟"


def timed(label: str, fn: object) -> None:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    print(f"{label:<44} {best * 1000:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clues", type=int, default=2000)
    parser.add_argument(
        "--suspects",
        type=int,
        default=0,
        help="also time the first resolution of this many new case suspect records set-based, and as many "
        "one by one (adds cases to the ledger)",
    )
    parser.add_argument(
        "--again",
        action="store_true",
        help="only time the per-request paths, on the ledger an earlier run left in the database "
        "(TAIZHANG_DATABASE_URL): measure a change without building and resolving again",
    )
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="build the ledger and stop (resolve it later with --resolve)",
    )
    parser.add_argument(
        "--resolve",
        action="store_true",
        help="resolve the ledger a --build-only run left in the database (TAIZHANG_DATABASE_URL), then time",
    )
    args = parser.parse_args()
    n = max(100, min(args.clues, 1_000_000))
    call_command("migrate", verbosity=0)
    if args.resolve:
        n = Clue.objects.count()
        resolve_ledger(n)
        measure(User.objects.get(username="bench_leader"))
        return
    if args.again:
        measure(User.objects.get(username="bench_leader"))
        if args.suspects:
            measure_suspects(args.suspects, total=n)
        return
    if Clue.objects.exists():
        print("database not empty; run on a fresh database", file=sys.stderr)
        sys.exit(1)
    leader, _city = build_in_chunks(n)
    if args.build_only:
        return
    resolve_ledger(n)
    measure(leader)
    if args.suspects:
        measure_suspects(args.suspects, total=n)


def measure_suspects(count: int, *, total: int) -> None:
    """Time the first resolution of `count` new suspect records set-based (as `taizhang people resolve` and a
    case's new suspects go), then of `count` others one by one (the path before): the city's people again,
    half of them with a full ID, in cases of four."""
    from taizhang.cases.models import Case, CaseSuspect
    from taizhang.people.resolve import _resolve_ids, _tables

    rng = random.Random(2412)
    city = Unit.objects.get(code="P-CITY")
    persons = max(50, total // 2)
    stamp = int(time.time())
    timings = {}
    for one_by_one in (False, True):
        cases = Case.objects.bulk_create(
            [
                Case(
                    number=f"P-CASE-{stamp}-{one_by_one:d}-{i}",
                    name="基准恶势力案",
                    org_type="gang",
                    office=city,
                )
                for i in range(max(1, count // 4))
            ]
        )
        rows = []
        for i in range(count):
            name, id_number, _employer = person(rng.randrange(persons))
            rows.append(
                CaseSuspect(
                    case=cases[i % len(cases)],
                    name=name,
                    id_fragment=id_number if rng.random() < 0.5 else id_number[-4:],
                    group_role="member",
                    status="caught",
                )
            )
        ids = [row.pk for row in CaseSuspect.objects.bulk_create(rows, batch_size=2000)]
        start = time.perf_counter()
        for at in range(0, len(ids), BATCH):
            _resolve_ids(_tables()[1], ids[at : at + BATCH], one_by_one=one_by_one)
        timings[one_by_one] = time.perf_counter() - start
    for one_by_one, took in timings.items():
        label = f"{count} new suspect records, " + ("one by one" if one_by_one else "set-based")
        print(f"{label:<44} {took:8.2f} s   {took / count * 1000:.2f} ms/record")


def resolve_ledger(n: int) -> None:
    """The initial resolution of the whole ledger, with its progress (and resident memory) at each tenth."""
    gc.collect()
    marks = [0]

    def progress(done: int, total: int) -> None:
        if done >= marks[-1] or done == total:
            marks.append(done + max(1, total // 10))
            print(f"  resolved {done}/{total}  rss {rss_mib():.0f} MiB  {stamp()}", flush=True)

    before = rss_mib()
    start = time.perf_counter()
    counts = resolve_all(progress, batch=BATCH)
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"resident memory before resolution {before:.0f} MiB, after {rss_mib():.0f} MiB")
    print(
        f"clues={n} subjects={ReportedSubject.objects.count()} entities={counts['entities']}"
        f" proposals={MergeCandidate.objects.count()}"
    )
    print(
        f"{'initial resolution (whole ledger)':<44} {took:8.1f} s   {took / n * 1000:.2f} ms/clue  peak {peak} MiB"
    )


def new_clue(last: Clue, label: str, name: str, tag: str, samples: int = 11) -> None:
    """Time the first resolution of `samples` new clues naming `name` (at 某建筑公司), each once: best, median."""
    fresh = []
    for i in range(samples):
        clue = Clue.objects.create(
            number=f"P-NEW-{tag}-{last.pk}-{i}",
            office=last.office,
            channel=Channel.LETTER,
            received_at=timezone.now(),
            summary="新线索",
            facts="新线索",
        )
        ReportedSubject.objects.create(clue=clue, name=name, unit_name="某建筑公司")
        fresh.append(clue.pk)
    took = []
    for pk in fresh:
        start = time.perf_counter()
        resolve_clue(pk)
        took.append(time.perf_counter() - start)
    took.sort()
    print(f"{label:<44} {took[0] * 1000:8.1f} ms  (median of {samples} {took[samples // 2] * 1000:.1f})")


def measure(leader: User) -> None:
    """Time the per-request paths as the city office leader meets them (best of 5)."""
    last = Clue.objects.order_by("-pk").first()
    assert last is not None
    timed("resolve one clue's subjects again", lambda: resolve_clue(last.pk))
    common = name_of_busiest()
    new_clue(last, "resolve a new clue (first time)", common, "new")
    # The busy person's name and employer without his ID: same name + same employer, a proposal written.
    new_clue(last, "resolve a new clue with a proposal", "黄某龙", "hub")
    busiest = Mention.objects.values("entity_id").annotate(n=Count("id")).order_by("-n").first()
    assert busiest is not None
    entity_id = busiest["entity_id"]
    name = Mention.objects.filter(entity_id=entity_id).values_list("name", flat=True).first() or ""
    print(f"busiest entity: {busiest['n']} mentions")
    timed("registration hint (read side)", lambda: reading.hint(leader, name))
    timed("entity page, first 50 clues (read side)", lambda: reading.entity_page(leader, entity_id, page=1))
    timed("graph depth 2 (read side)", lambda: reading.graph(leader, entity_id, depth=2))
    client = Client()
    client.force_login(leader)

    def page(url: str, data: dict[str, str] | None = None) -> None:
        response = client.get(url, data)
        assert response.status_code == 200, (url, response.status_code)

    timed("GET /people/<id>/", lambda: page(f"/people/{entity_id}/"))
    timed("GET /people/<id>/?page=3", lambda: page(f"/people/{entity_id}/?page=3"))
    timed("GET /people/<id>/graph.json?depth=2", lambda: page(f"/people/{entity_id}/graph.json?depth=2"))
    timed("GET /people/hint/", lambda: page("/people/hint/", {"subjects-0-name": name}))


if __name__ == "__main__":
    main()
