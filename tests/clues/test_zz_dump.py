import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.clues.history import lengthen

@pytest.mark.parametrize("who", ["office_staff", "liaison"])
def test_dump(world, walk, who):
    long = walk.transferred()
    lengthen(long, world.people["office_staff"], world.units["police"])
    client = world.client_for(who)
    url = reverse("clues:detail", args=[long.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    with open(f"/tmp/dq/{who}.txt", "w") as fh:
        for q in ctx.captured_queries:
            fh.write(q["sql"][:400] + "\n\n")

def test_profile(world, walk, settings):
    import cProfile, pstats, time
    settings.DEBUG = False
    long = walk.transferred()
    lengthen(long, world.people["office_staff"], world.units["police"])
    client = world.client_for("office_staff")
    url = reverse("clues:detail", args=[long.pk])
    for _ in range(3):
        client.get(url)
    t = []
    for _ in range(10):
        s = time.perf_counter(); client.get(url); t.append(time.perf_counter() - s)
    t.sort()
    print("MEDIAN ms", t[5] * 1000)
    pr = cProfile.Profile(); pr.enable()
    for _ in range(5):
        client.get(url)
    pr.disable()
    pstats.Stats(pr, stream=open("/tmp/dq/prof.txt", "w")).sort_stats("cumulative").print_stats(60)
