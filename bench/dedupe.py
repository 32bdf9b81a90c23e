"""Duplicate candidates on PostgreSQL: time per new clue against N existing clues, and what was found.

    PYTHONPATH=src .venv/bin/python scripts/with_postgres.py -- .venv/bin/python bench/dedupe.py --n 1000000

Loads the clues with bench/search_data.py when missing (their MinHash band keys are random draws, as unrelated
texts' are), adds --real clues whose keys come from their real facts, then times search.duplicates.candidates
(the function behind the clue page section and the registration endpoint) for reworded copies of the real
clues (each should find its original) and for fresh texts (which should find no near-identical facts).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_data


def reword(text: str, rng: random.Random) -> str:
    """A retelling of the same facts: a few characters dropped and a word or two swapped."""
    chars = [ch for ch in text if rng.random() > 0.04]
    out = "".join(chars)
    for _ in range(2):
        word = rng.choice(search_data.WORDS)
        at = rng.randrange(len(out))
        out = out[:at] + word + out[at:]
    return "群众再次反映：" + out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--real", type=int, default=300)
    parser.add_argument("--probes", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    search_data.setup()
    world = search_data.ensure(args.n, args.seed)

    from taizhang.clues.models import Clue
    from taizhang.search.duplicates import Probe, candidates
    from taizhang.search.models import ClueKey

    rng = random.Random(args.seed + 1)
    rows = search_data.clue_rows(0, args.real, args.seed + 99)
    for row in rows:
        row["umbrella"] = row["recused"] = False
    ids = search_data.add_real(world, rows)
    print(f"clues: {Clue.objects.count():,}  keys: {ClueKey.objects.count():,}")
    staff = world["people"]["bench_staff"]
    times: list[float] = []
    found_original = 0
    near_in_fresh = 0
    sizes = []
    for i in range(args.probes):
        row = rows[i % len(rows)]
        dup = Probe(facts=reword(row["facts"], rng))
        started = time.perf_counter()
        result = candidates(staff, dup)
        times.append((time.perf_counter() - started) * 1000)
        found_original += any(c.clue.pk == ids[i % len(rows)] for c in result)
        sizes.append(len(result))
        fresh = search_data.clue_rows(10_000_000 + i, 1, args.seed + 7)[0]
        subject = fresh["subjects"][0]
        probe = Probe(
            facts=fresh["facts"],
            subjects=[(subject["name"], subject["unit_name"])],
            phones=[subject["phone_fragment"]] if subject["phone_fragment"] else [],
        )
        started = time.perf_counter()
        result = candidates(staff, probe)
        times.append((time.perf_counter() - started) * 1000)
        near_in_fresh += sum(1 for c in result if c.similarity >= 0.6)
    times.sort()
    print(
        f"candidates() per new clue: n={len(times)} median {statistics.median(times):.1f} ms"
        f"  p95 {times[int(len(times) * 0.95)]:.1f} ms  max {times[-1]:.1f} ms"
    )
    print(f"reworded copies that found their original: {found_original}/{args.probes}")
    print(f"near-identical candidates reported for fresh texts: {near_in_fresh}")
    print(f"average candidates shown for a reworded copy: {statistics.mean(sizes):.1f}")


if __name__ == "__main__":
    main()
