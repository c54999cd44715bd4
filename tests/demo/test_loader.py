from __future__ import annotations

import datetime as dt

from shuanggao.demo.context import DemoContext
from shuanggao.demo.loader import demo_modules


def test_modules_run_in_order() -> None:
    names = [m.__name__ for m in demo_modules()]
    mine = [
        "shuanggao.demo.programme",
        "shuanggao.demo.talent",
        "shuanggao.demo.funds",
        "shuanggao.demo.reports",
    ]
    assert [n for n in names if n in mine] == mine
    orders = [int(m.ORDER) for m in demo_modules()]
    assert orders == sorted(orders)


def test_rng_depends_on_seed_and_key_only() -> None:
    ctx, other = DemoContext(), DemoContext()
    rng = ctx.rng("projects:江阴高新区")
    first = [rng.random() for _ in range(3)]
    ctx.rng("something else").random()
    again = other.rng("projects:江阴高新区")
    assert [again.random() for _ in range(3)] == first
    assert DemoContext(seed=1).rng("projects:江阴高新区").random() != first[0]
    rng = ctx.rng("days")
    days = [ctx.day(rng) for _ in range(200)]
    assert min(days) >= dt.date(2025, 7, 1)
    assert max(days) <= dt.date(2026, 11, 20)
