"""What CLI commands share: the console, settings and one unit of work per command."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from shuanggao import domains
from shuanggao.actor import Actor
from shuanggao.config import get_settings
from shuanggao.db.errors import check_connection
from shuanggao.db.session import build_engine, make_session_factory, session_scope

console = Console()
# Errors are one line each: never hard-wrapped to the terminal width.
err_console = Console(stderr=True, soft_wrap=True)


def progress_bar(out: Console, *, bold: bool = False) -> Progress:
    """A transient progress display on ``out``: description, bar, done/total, time elapsed."""
    return Progress(
        TextColumn("[bold]{task.description}" if bold else "{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=out,
        transient=True,
    )


def cli_actor() -> Actor:
    """CLI commands act as the system with province rights, named after the OS user."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor.system(f"cli:{user}")


@contextmanager
def open_session(*, write: bool = False) -> Iterator[Session]:
    """One transaction for the whole command: commit at the end, roll back on error.

    ``write=True`` for commands that write: on SQLite they queue for the write lock at the start
    (``BEGIN IMMEDIATE``) rather than fail half-way when the server writes at the same time."""
    domains.load()
    settings = get_settings()
    url = settings.resolved_database_url()
    engine = build_engine(url)
    try:
        check_connection(engine, url)
        with session_scope(make_session_factory(engine), write=write) as session:
            yield session
    finally:
        engine.dispose()
