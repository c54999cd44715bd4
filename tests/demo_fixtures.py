"""A database with the reference and demo data, loaded once per test session through the real
CLI (``db upgrade``, ``reference load``, ``demo load``), for the tests that read the demo data.

Loading the demo takes tens of seconds, so it happens once; ``tests/conftest.py`` imports
``demo_template_url``. A module takes its own copy (``tests.dbs.copy_of``) when it writes, or
may write: never write to the template itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from shuanggao.cli import db as db_cli
from shuanggao.cli import demo as demo_cli
from shuanggao.cli import reference as reference_cli
from shuanggao.config import get_settings
from tests.dbs import fresh_database


@pytest.fixture(scope="session")
def demo_template_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp: Path = tmp_path_factory.mktemp("demotemplate")
    root = typer.Typer()
    root.add_typer(db_cli.app, name="db")
    root.add_typer(reference_cli.app, name="reference")
    root.add_typer(demo_cli.app, name="demo")
    with fresh_database(tmp, migrated=False) as url:
        get_settings.cache_clear()
        try:
            for args in (["db", "upgrade"], ["reference", "load"], ["demo", "load"]):
                result = CliRunner().invoke(
                    root, args, env={"SHUANGGAO_DATABASE_URL": url, "COLUMNS": "200"}
                )
                assert result.exit_code == 0, result.output
        finally:
            get_settings.cache_clear()
        yield url
