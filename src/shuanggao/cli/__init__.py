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
    """Add every area to ``root``. Imported when the command runs, not when
    ``shuanggao.cli.context`` is imported."""
    from shuanggao.cli import (
        audit,
        backup,
        bench,
        bench_dup,
        bench_load,
        db,
        demo,
        events,
        matching,
        mentoring,
        pi,
        pipeline,
        planner,
        privacy,
        reference,
        report,
        serve,
        stats,
        transfer,
        user,
    )

    areas = (audit, bench, db, demo, events, mentoring, pi, pipeline, planner, privacy, reference)
    for area in (*areas, report, user):
        root.add_typer(area.app, name=area.app.info.name)
    for top_level in (backup, bench_dup, bench_load, matching, serve, stats, transfer):
        top_level.register(root)


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
