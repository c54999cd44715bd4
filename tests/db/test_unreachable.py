"""A wrong database address: the CLI and ``serve`` say in one line what failed and where (the
password masked) and exit 2, with no traceback. Loopback addresses only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from shuanggao.cli import main
from shuanggao.config import get_settings
from shuanggao.db.errors import DatabaseUnavailable, check_connection, masked_url, unavailable
from shuanggao.db.session import build_engine

HIDDEN = "s3cret-pw"
REFUSED = f"postgresql://postgres:{HIDDEN}@127.0.0.1:1/shuanggao"
PG_HOST, PG_PORT = "127.0.0.1", 5432


def postgres_listening() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            return True
    except OSError:
        return False


needs_postgres = pytest.mark.skipif(not postgres_listening(), reason="no PostgreSQL on :5432")


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def run_main(
    cli_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, *args: str
) -> tuple[int, list[str]]:
    cli_env.setenv("SHUANGGAO_DATABASE_URL", url)
    cli_env.setattr(sys, "argv", ["shuanggao", *args])
    get_settings.cache_clear()
    with pytest.raises(SystemExit) as stopped:
        main()
    err = capsys.readouterr().err
    return int(stopped.value.code or 0), [line for line in err.splitlines() if line.strip()]


def test_masked_url_hides_only_the_password() -> None:
    assert masked_url(REFUSED) == "postgresql://postgres:***@127.0.0.1:1/shuanggao"
    assert masked_url("postgresql://u@h/db") == "postgresql://u@h/db"
    assert masked_url("sqlite:////var/x.sqlite3") == "sqlite:////var/x.sqlite3"


@pytest.mark.parametrize(
    "args", [("db", "upgrade"), ("db", "current"), ("stats", "--as-of", "2025-11-30"), ("serve",)]
)
def test_refused_connection_is_one_line_and_a_failure_exit(
    cli_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, lines = run_main(cli_env, capsys, REFUSED, *args)
    assert code != 0  # 2 from the entry point; commands that report errors themselves exit 1
    assert lines == [unavailable(REFUSED, "refused").detail]
    assert HIDDEN not in lines[0] and "postgres:***@127.0.0.1:1" in lines[0]


def test_missing_sqlite_directory_is_refused_not_created(
    cli_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "no-such-dir"
    url = f"sqlite:///{folder}/shuanggao.sqlite3"
    code, lines = run_main(cli_env, capsys, url, "db", "upgrade")
    assert code == 2
    assert lines == [unavailable(url, "missing_directory", folder=str(folder)).detail]
    assert not folder.exists()


@needs_postgres
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (f"postgresql://no_such_role_ops:{HIDDEN}@{PG_HOST}:{PG_PORT}/postgres", "no_role"),
        (f"postgresql://postgres@{PG_HOST}:{PG_PORT}/no_such_database_ops", "no_database"),
    ],
)
def test_postgres_refusals_name_the_reason(
    cli_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, reason: str
) -> None:
    engine = build_engine(url)
    try:
        with pytest.raises(DatabaseUnavailable) as caught:
            check_connection(engine, url)
    finally:
        engine.dispose()
    assert caught.value.code == "database_unavailable"
    assert caught.value.extra == {"database": masked_url(url), "reason": reason}
    code, lines = run_main(cli_env, capsys, url, "db", "current")
    assert code == 2 and lines == [caught.value.detail]
    assert HIDDEN not in lines[0]


def test_the_installed_command_prints_no_traceback(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "shuanggao"
    env = {**os.environ, "SHUANGGAO_DATABASE_URL": REFUSED, "SHUANGGAO_VAR_DIR": str(tmp_path)}
    done = subprocess.run(
        [str(command), "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [unavailable(REFUSED, "refused").detail]
    assert "Traceback" not in done.stdout + done.stderr
