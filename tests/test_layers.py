"""Every package and module of the app sits in the layers contract (docs/architecture.md), so a
new domain cannot land outside it (import-linter leaves unlisted modules unchecked)."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import shuanggao

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def layered_modules() -> set[str]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    names: set[str] = set()
    for layer in layers:
        for part in layer.replace(":", "|").split("|"):
            names.add(part.strip())
    return names


def test_every_top_level_module_is_in_a_layer() -> None:
    found = {f"shuanggao.{info.name}" for info in pkgutil.iter_modules(shuanggao.__path__)}
    assert sorted(found - layered_modules()) == []
    assert sorted(layered_modules() - found) == []
