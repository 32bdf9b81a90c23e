"""Which of our units a free-text unit name means (a clue's subjects recuse the units they name).

People write a unit many ways: `江川市交通运输局`, `江川市 交通运输局`, `交通运输局`, `市交通局`, a sub-unit such as
`江川市交通运输局路政支队`, or with a typo. A missed match lets the named unit be assigned the clue about itself,
so the matcher leans towards matching: exact names, short names and the unit's alias list; the city prefix
dropped; a sub-unit's name starting with the unit's; an abbreviation keeping the full name's characters in order
(交通运输局 → 交通局); and near spellings (rapidfuzz). Every suggestion is shown to the office, which confirms
the unit or recuses one by hand.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from taizhang.org.models import Unit

# A near spelling: one wrong character in a name of eight or more.
FUZZY_MIN = 88
_SPACES = re.compile(r"[\s\u3000·•・\-—_]+")
# A leading place name of the city level (江川市); a district's or county's name is kept (it tells units apart).
_CITY = re.compile(r"^[\u4e00-\u9fff]{2,4}?市(?!场)")


def normalise(text: str) -> str:
    """Full-width folded, without spaces or separators, brackets of a short form dropped."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    text = _SPACES.sub("", text)
    return text.replace("(", "").replace(")", "")


def variants(text: str) -> set[str]:
    """The forms a name is compared in: as written, without the city's name, without a bare leading 市."""
    base = normalise(text)
    found = {base} if base else set()
    stripped = _CITY.sub("", base)
    if stripped and stripped != base:
        found.add(stripped)
    for form in list(found):
        if form.startswith("市") and not form.startswith("市场") and len(form) > 3:
            found.add(form[1:])
    return {f for f in found if len(f) >= 2}


def _is_abbreviation(short: str, full: str) -> bool:
    """`short` keeps `full`'s characters in order, with its first and last (交通局 of 交通运输局)."""
    if len(short) < 3 or len(short) >= len(full) or short[0] != full[0] or short[-1] != full[-1]:
        return False
    if len(short) * 2 < len(full):
        return False
    rest = iter(full)
    return all(ch in rest for ch in short)


def score(text_forms: set[str], unit_forms: set[str]) -> int:
    """How surely a written name means a unit (0: it does not)."""
    from rapidfuzz import fuzz  # loaded by the first unit name matched, not by every process

    best = 0
    for t in text_forms:
        for u in unit_forms:
            if t == u:
                return 100
            if len(u) >= 3 and t.startswith(u):
                best = max(best, 95)  # a sub-unit: 江川市交通运输局路政支队
            elif _is_abbreviation(t, u):
                best = max(best, 90)
            else:
                ratio = int(fuzz.ratio(t, u))
                if ratio >= FUZZY_MIN:
                    best = max(best, ratio - 2)
    return best


@dataclass(frozen=True)
class Candidate:
    unit: Unit
    forms: frozenset[str]


def candidates(units: Iterable[Unit] | None = None) -> list[Candidate]:
    """Every active unit with all the forms of its names (name, short name, aliases)."""
    rows = units if units is not None else Unit.objects.filter(is_active=True).order_by("path")
    found = []
    for unit in rows:
        names = [unit.name, unit.short_name, *(line for line in (unit.aliases or "").splitlines())]
        forms: set[str] = set()
        for name in names:
            if name and name.strip():
                forms |= variants(name)
        found.append(Candidate(unit, frozenset(forms)))
    return found


def suggest(text: str, pool: list[Candidate] | None = None, limit: int = 5) -> list[tuple[Unit, int]]:
    """The units a written name may mean, surest first."""
    forms = variants(text)
    if not forms:
        return []
    scored = [(c.unit, score(forms, set(c.forms))) for c in pool or candidates()]
    scored = [(u, s) for u, s in scored if s > 0]
    scored.sort(key=lambda pair: (-pair[1], -pair[0].depth, pair[0].path))
    return scored[:limit]


def match(text: str, pool: list[Candidate] | None = None) -> Unit | None:
    """The unit a written name means, or None. Among equally sure matches the deepest (most specific) wins."""
    found = suggest(text, pool, limit=1)
    return found[0][0] if found else None
