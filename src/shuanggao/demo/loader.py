"""Find the demo modules and run them in order inside the caller's transaction."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

from sqlalchemy.orm import Session

from shuanggao.accounts.actor import Actor
from shuanggao.demo import repository
from shuanggao.demo.context import DemoContext
from shuanggao.kit.discovery import domain_modules, load_domains

# Demo modules that live outside their domain's package (registered here explicitly).
EXTRA_MODULES: tuple[str, ...] = ("shuanggao.demo.programme_demo",)


@dataclass
class DemoResult:
    skipped: bool = False
    # Rows written by each module, in the order they ran.
    written: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.written.values())


def demo_modules() -> list[ModuleType]:
    """``shuanggao.<domain>.demo`` of every domain, plus ``EXTRA_MODULES``, sorted by ``ORDER``."""
    load_domains()
    found = {m.__name__: m for m in domain_modules("demo")}
    for name in EXTRA_MODULES:
        found[name] = importlib.import_module(name)
    mods = [m for m in found.values() if hasattr(m, "load_demo")]
    return sorted(mods, key=lambda m: (int(getattr(m, "ORDER", 50)), m.__name__))


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
