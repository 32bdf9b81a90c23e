"""Drawing a review sample and a call-back sample from a large ledger (goal: < 2 s each at 1,000,000 clues).

    PYTHONPATH=src python scripts/with_postgres.py -- python bench/reviews.py --clues 1000000

Tops the ledger up with bench/generate.py, then times, as the city office (shb_staff): the campaign population
(查否/无法核实 concluded in a year, plus clues whose subjects were reported again) and its stratified draw of 10 %;
and the call-back population of one month (real-name reporters) and its draw. Prints medians of --runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.generate import generate, setup_django  # noqa: E402


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clues", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db.models import Max
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from taizhang.clues.models import Clue
    from taizhang.org.models import User
    from taizhang.reviews import callbacks, sampling
    from taizhang.reviews.selection import population

    have = Clue.objects.count()
    if have < args.clues:
        generate(args.clues - have, seed=have + 1)
    staff = User.objects.get(username="shb_staff")
    office = staff.unit
    last = Clue.objects.aggregate(m=Max("concluded_at"))["m"] or timezone.now()
    end = timezone.localdate(last)
    start = end - dt.timedelta(days=365)

    def review() -> int:
        found = population(staff, office, start, end, include_repeats=True)
        pairs = [(pk, unit) for pk, (unit, _why) in found.items()]
        return len(sampling.draw(pairs, sampling.share_size(len(pairs), 10, 1), seed=1))

    month = callbacks.previous_month(callbacks.month_start(end))  # a whole month of conclusions

    def callback() -> int:
        pairs = callbacks.population(office, month)
        return len(sampling.draw(pairs, sampling.share_size(len(pairs), 20, 5), seed=1))

    seconds, drawn = timed(review, args.runs)
    print(
        f"review sample:   {seconds * 1000:8.0f} ms  (drew {drawn}; {Clue.objects.count()} clues; goal < 2000 ms)"
    )
    seconds, drawn = timed(callback, args.runs)
    print(f"call-back sample:{seconds * 1000:8.0f} ms  (drew {drawn} for {month:%Y-%m}; goal < 2000 ms)")


if __name__ == "__main__":
    main()
