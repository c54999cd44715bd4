"""Demo residents (驻园师生) for every pilot zone, spread over July 2025 – November 2026."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.demo.context import DemoContext, ensure
from shuanggao.demo.data import DEPARTMENTS, GIVEN, STUDENT_ROLES, SURNAMES, TEACHER_ROLES

ORDER = 30
LABEL = "驻园师生"


def load_demo(session: Session, actor: Actor, ctx: DemoContext) -> int:
    written = 0
    for pilot in ctx.pilots(session):
        if pilot.pairing_id is None or not pilot.universities:
            continue
        ctx.step(f"{pilot.zone_name}：驻园师生")
        rng = ctx.rng(f"residents:{pilot.zone_name}")
        for _ in range(rng.randint(15, 25)):
            uni_id, _name = rng.choice(pilot.universities)
            draw = rng.random()
            kind = "teacher" if draw < 0.4 else "graduate" if draw < 0.85 else "undergraduate"
            person = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, k=rng.choice((1, 2))))
            department, discipline = rng.choice(DEPARTMENTS)
            start = ctx.day(rng)
            stay = rng.randint(90, 400)
            leaves = rng.random() < 0.35
            role = rng.choice(TEACHER_ROLES if kind == "teacher" else STUDENT_ROLES)
            end = start + dt.timedelta(days=stay)
            _row, created = ensure(
                session,
                actor,
                "residents",
                {
                    "person_name": person,
                    "kind": kind,
                    "university_id": uni_id,
                    "zone_id": pilot.zone_id,
                    "pairing_id": pilot.pairing_id,
                    "department": department,
                    "discipline_code": discipline,
                    "from_date": start,
                    "to_date": end if leaves and end <= ctx.end else None,
                    "role": role,
                    "note": "演示数据",
                },
            )
            written += int(created)
    return written
