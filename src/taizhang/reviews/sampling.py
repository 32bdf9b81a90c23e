"""Reproducible stratified samples: the same population and seed always give the same sample.

A population is a list of (clue id, stratum) pairs (the stratum is the handling unit, 0 for none). Each
stratum gets its share by the largest-remainder method (ties broken by the stratum id), and its clues are drawn
with `random.Random(f"{seed}:{stratum}")` from the ids in ascending order — so a stratum's draw depends only
on its own clues and the seed, and anyone holding the recorded seed and the population can redo it.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import defaultdict


def digest(population: list[tuple[int, int]]) -> str:
    """A fingerprint of the population (ids and strata, order-free), recorded with the seed."""
    h = hashlib.sha256()
    for clue_id, stratum in sorted(population):
        h.update(f"{clue_id}:{stratum};".encode())
    return h.hexdigest()


def allocate(sizes: dict[int, int], total: int) -> dict[int, int]:
    """Split `total` over the strata in proportion to their sizes (largest remainder, deterministic)."""
    whole = sum(sizes.values())
    if whole == 0 or total <= 0:
        return dict.fromkeys(sizes, 0)
    exact = {s: total * n / whole for s, n in sizes.items()}
    out = {s: math.floor(x) for s, x in exact.items()}
    left = total - sum(out.values())
    for s in sorted(sizes, key=lambda s: (-(exact[s] - out[s]), s))[:left]:
        out[s] += 1
    return out


def draw(population: list[tuple[int, int]], total: int, seed: int) -> list[int]:
    """`total` clue ids drawn stratified by unit from `population` (total ≤ its size), in ascending order."""
    strata: dict[int, list[int]] = defaultdict(list)
    for clue_id, stratum in population:
        strata[stratum].append(clue_id)
    quota = allocate({s: len(ids) for s, ids in strata.items()}, total)
    chosen: list[int] = []
    for stratum in sorted(strata):
        ids = sorted(strata[stratum])
        chosen.extend(random.Random(f"{seed}:{stratum}").sample(ids, quota[stratum]))
    return sorted(chosen)


def share_size(population: int, share: int, minimum: int = 0) -> int:
    """The sample size of `share` percent (rounded up), at least `minimum`, never more than the population."""
    return min(population, max(minimum, math.ceil(population * share / 100)))
