"""Every CLI area module is listed in ``cli/__init__.py`` (nothing is found by scanning)."""

from __future__ import annotations

import pkgutil
import sys

import shuanggao.cli as cli


def test_every_area_module_is_loaded() -> None:
    cli._load_areas()
    areas = {f"shuanggao.cli.{m.name}" for m in pkgutil.iter_modules(cli.__path__)}
    areas.discard("shuanggao.cli.context")  # shared helpers, not an area
    assert sorted(a for a in areas if a not in sys.modules) == []
    commands = {c.name for c in cli.root.registered_commands}
    groups = {g.name for g in cli.root.registered_groups}
    assert {"backup", "planner", "serve", "import", "export"} <= commands | groups
