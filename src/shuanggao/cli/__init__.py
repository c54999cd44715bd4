"""The ``shuanggao`` command line (Typer + Rich).

Each module in this package is a command area: it exposes ``app`` (a Typer group, added under its
``name``) or ``register(root)`` (top-level commands). ``_load_areas`` lists every area: a new one
is added there, so the whole command surface reads in one place.
"""

from __future__ import annotations

import typer

root = typer.Typer(
    name="shuanggao",
    help="双高协同平台命令行 (shuanggao)。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _load_areas() -> None:
    # Imported when the command runs, not when ``shuanggao.cli.context`` is imported.
    from shuanggao.cli import (
        audit,
        bench,
        db,
        demo,
        matching,
        reference,
        serve,
        stats,
        transfer,
        user,
    )

    for area in (audit, bench, db, demo, reference, user):
        root.add_typer(area.app, name=area.app.info.name)
    for top_level in (matching, serve, stats, transfer):
        top_level.register(root)


def main() -> None:
    from shuanggao import logsafe

    logsafe.install()
    _load_areas()
    root()
