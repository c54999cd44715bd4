"""The ``shuanggao`` command line (Typer + Rich).

Each module in this package is a command area: it exposes ``app`` (a Typer group, added under its
``name``) or ``register(root)`` (top-level commands). Modules are found, not listed, so areas are
added without editing this file.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

root = typer.Typer(
    name="shuanggao",
    help="双高协同平台命令行 (shuanggao)。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _load_areas() -> None:
    import shuanggao.cli as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name == "context":
            continue
        mod = importlib.import_module(f"shuanggao.cli.{info.name}")
        sub = getattr(mod, "app", None)
        if isinstance(sub, typer.Typer):
            root.add_typer(sub, name=sub.info.name or info.name)
        reg = getattr(mod, "register", None)
        if callable(reg):
            reg(root)


def main() -> None:
    from sqlalchemy.exc import DBAPIError

    from shuanggao import logsafe
    from shuanggao.config import get_settings
    from shuanggao.db.errors import DatabaseUnavailable, reason_of, unavailable

    logsafe.install()
    _load_areas()
    try:
        root()
    except DatabaseUnavailable as exc:
        # One line saying what failed and where, not the driver's traceback.
        _fail(exc.detail)
    except DBAPIError as exc:
        if exc.statement is not None:  # a query failed, not the connection: a real bug
            raise
        _fail(unavailable(get_settings().resolved_database_url(), reason_of(exc)).detail)


def _fail(line: str) -> None:
    from shuanggao.cli.context import err_console

    err_console.print(line, markup=False, highlight=False, soft_wrap=True)
    raise SystemExit(2)
