"""Find the domain packages: every ``shuanggao.<domain>`` with models, registers, API routers.

Discovery keeps domains from editing a shared list; importing a domain's ``registers`` module
registers its tables with the kit.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType

import shuanggao

NOT_DOMAINS = frozenset({"db", "kit", "cli", "web"})


@cache
def domain_names() -> tuple[str, ...]:
    names = [
        info.name
        for info in pkgutil.iter_modules(shuanggao.__path__)
        if info.ispkg and info.name not in NOT_DOMAINS
    ]
    return tuple(sorted(names))


def _import_optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


def domain_modules(kind: str) -> list[ModuleType]:
    """``kind`` is a module name inside a domain: "models", "registers", "api", "pages", "cli"."""
    mods = []
    for domain in domain_names():
        mod = _import_optional(f"shuanggao.{domain}.{kind}")
        if mod is not None:
            mods.append(mod)
    return mods


@cache
def load_models() -> None:
    domain_modules("models")


@cache
def load_domains() -> None:
    load_models()
    domain_modules("registers")
