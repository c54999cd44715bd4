"""Run the demo modules (listed in ``DEMO_MODULES``) in order inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.demo import chains as chains_demo
from shuanggao.demo import demand as demand_demo
from shuanggao.demo import events as events_demo
from shuanggao.demo import funds as funds_demo
from shuanggao.demo import mentoring as mentoring_demo
from shuanggao.demo import pipeline as pipeline_demo
from shuanggao.demo import planner as planner_demo
from shuanggao.demo import programme as programme_demo
from shuanggao.demo import reports as reports_demo
from shuanggao.demo import repository
from shuanggao.demo import supply as supply_demo
from shuanggao.demo import talent as talent_demo
from shuanggao.demo.context import DemoContext

# Every demo module: each has ``load_demo``, ``ORDER`` (run order) and ``LABEL``.
DEMO_MODULES: tuple[ModuleType, ...] = (
    programme_demo,
    talent_demo,
    funds_demo,
    supply_demo,
    demand_demo,
    chains_demo,
    events_demo,
    planner_demo,
    pipeline_demo,
    mentoring_demo,
    reports_demo,
)


@dataclass
class DemoResult:
    skipped: bool = False
    # Rows written by each module, in the order they ran.
    written: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.written.values())


def demo_modules() -> list[ModuleType]:
    """``DEMO_MODULES`` sorted by ``ORDER``."""
    return sorted(DEMO_MODULES, key=lambda m: (int(getattr(m, "ORDER", 50)), m.__name__))


def module_label(mod: ModuleType) -> str:
    return str(getattr(mod, "LABEL", mod.__name__.removeprefix("shuanggao.")))


def load_demo_data(
    session: Session,
    actor: Actor,
    *,
    if_empty: bool = False,
    ctx: DemoContext | None = None,
    on_module: Callable[[ModuleType, int], None] | None = None,
) -> DemoResult:
    """Run every demo module in order. With ``if_empty``, do nothing when demo rows exist.

    Nothing here commits: the CLI command's unit of work does, once, at the end.
    """
    if if_empty and repository.has_demo_rows(session):
        return DemoResult(skipped=True)
    ctx = ctx or DemoContext()
    result = DemoResult()
    for mod in demo_modules():
        written = int(mod.load_demo(session, actor, ctx))
        result.written[mod.__name__] = written
        if on_module is not None:
            on_module(mod, written)
    return result
