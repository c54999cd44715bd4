"""What demo modules share: a stable seeded RNG, the pilot zones with their pairings, and
``ensure`` — write a row through its register unless its natural key is already there."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.demo import repository
from shuanggao.demo.data import DEMO_END, DEMO_START, ZONE_THEMES
from shuanggao.demo.errors import DemoPrerequisiteMissing
from shuanggao.kit.register import get_register
from shuanggao.kit.service import create_record

DEFAULT_SEED = 20251130


@dataclass
class Pilot:
    """A pilot zone and the pairing demo records hang on (None until one exists)."""

    zone_id: int
    zone_name: str
    city: str
    pairing_id: int | None = None
    universities: list[tuple[int, str]] = field(default_factory=list)

    @property
    def words(self) -> tuple[str, ...]:
        return ZONE_THEMES[self.zone_name][0]

    @property
    def topics(self) -> tuple[str, ...]:
        return ZONE_THEMES[self.zone_name][1]


@dataclass
class DemoContext:
    """Shared state of one ``demo load``.

    ``rng(key)`` gives a generator seeded by ``seed`` and ``key`` only, so what a module generates
    for a key never depends on what ran before it or on what the database already holds: a second
    load regenerates the same rows and finds them all by natural key.
    """

    seed: int = DEFAULT_SEED
    start: dt.date = DEMO_START
    end: dt.date = DEMO_END
    on_step: Callable[[str], None] | None = None
    shared: dict[str, Any] = field(default_factory=dict)
    # One-line summaries a module leaves for the person loading (the CLI prints them).
    notes: list[str] = field(default_factory=list)
    _pilots: list[Pilot] | None = None

    def rng(self, key: str) -> random.Random:
        return random.Random(f"{self.seed}:{key}")

    def day(
        self, rng: random.Random, start: dt.date | None = None, end: dt.date | None = None
    ) -> dt.date:
        first, last = start or self.start, end or self.end
        return first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))

    def step(self, label: str) -> None:
        if self.on_step is not None:
            self.on_step(label)

    def pilots(self, session: Session) -> list[Pilot]:
        """The 18 pilot zones (refused if the reference data is missing), with their pairings."""
        if self._pilots is None:
            names = list(ZONE_THEMES)
            zones = repository.zones_by_name(session, names)
            missing = [n for n in names if n not in zones]
            if missing:
                raise DemoPrerequisiteMissing(
                    "演示数据需要先载入参考数据（缺少高新区："
                    + "、".join(missing)
                    + "），请先运行 shuanggao reference load。"
                )
            self._pilots = [
                Pilot(zone_id=zones[n].id, zone_name=n, city=zones[n].city) for n in names
            ]
        for pilot in self._pilots:
            if pilot.pairing_id is None:
                pairings = repository.pairings_of_zone(session, pilot.zone_id)
                if pairings:
                    pilot.pairing_id = pairings[0].id
                    pilot.universities = repository.member_universities(session, pairings[0].id)
        return self._pilots


def ensure(
    session: Session, actor: Actor, register_name: str, values: Mapping[str, Any]
) -> tuple[int, bool]:
    """The id of the row with these natural-key values, created as demo data (through the
    register's create service, checked and audited) if it is not there yet.

    Returns ``(id, created)``. Existing rows (demo or real) are left exactly as they are.
    """
    reg = get_register(register_name)
    payload = reg.create_schema.model_validate(dict(values))
    found = repository.id_by_natural_key(session, reg.model, reg.natural_key, payload.model_dump())
    if found is not None:
        return found, False
    row: Any = create_record(session, actor, reg, payload, is_demo=True)
    return int(row.id), True
