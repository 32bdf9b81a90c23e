"""The draw is reproducible from its seed and proportional by unit."""

from __future__ import annotations

from taizhang.reviews import sampling


def test_the_same_seed_draws_the_same_sample_and_another_seed_another():
    population = [(i, i % 7) for i in range(1, 2001)]
    first = sampling.draw(population, 100, seed=42)
    assert first == sampling.draw(list(reversed(population)), 100, seed=42)
    assert first != sampling.draw(population, 100, seed=43)
    assert len(first) == len(set(first)) == 100


def test_each_unit_gets_its_share():
    population = (
        [(i, 1) for i in range(600)]
        + [(1000 + i, 2) for i in range(300)]
        + [(5000 + i, 3) for i in range(100)]
    )
    chosen = set(sampling.draw(population, 100, seed=7))
    by_unit = {u: sum(1 for pk, s in population if s == u and pk in chosen) for u in (1, 2, 3)}
    assert by_unit == {1: 60, 2: 30, 3: 10}


def test_share_size_rounds_up_keeps_the_minimum_and_never_exceeds_the_population():
    assert sampling.share_size(101, 10) == 11
    assert sampling.share_size(10, 10, minimum=5) == 5
    assert sampling.share_size(3, 10, minimum=5) == 3
    assert sampling.allocate({1: 1, 2: 1, 3: 1}, 2) == {1: 1, 2: 1, 3: 0}
