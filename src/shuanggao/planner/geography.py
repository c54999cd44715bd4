"""Distance between a zone and a university: same city, neighbouring city (shipped table), or
elsewhere. Jiangsu's 13 prefecture-level cities; see ``data/PROVENANCE.md``."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

SAME_CITY = 1.0
NEIGHBOUR = 0.5


@cache
def neighbours() -> dict[str, frozenset[str]]:
    """``{city: {neighbouring cities}}`` (symmetric)."""
    text = resources.files("shuanggao.planner").joinpath("data/jiangsu_city_neighbours.csv")
    out: dict[str, set[str]] = {}
    with text.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a, b = row["city"].strip(), row["neighbour"].strip()
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
    return {city: frozenset(near) for city, near in out.items()}


def closeness(zone_city: str, university_city: str) -> float:
    """1 in the same city, 0.5 in a neighbouring city, 0 elsewhere."""
    if zone_city == university_city:
        return SAME_CITY
    if university_city in neighbours().get(zone_city, frozenset()):
        return NEIGHBOUR
    return 0.0


def closeness_label(zone_city: str, university_city: str) -> str | None:
    value = closeness(zone_city, university_city)
    if value == SAME_CITY:
        return f"同在{zone_city}"
    if value == NEIGHBOUR:
        return f"邻市（{zone_city}—{university_city}）"
    return None
