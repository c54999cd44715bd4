"""``shuanggao import`` / ``shuanggao export`` against a real, committed database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shuanggao.cli import transfer
from shuanggao.config import get_settings
from shuanggao.db.session import build_engine
from shuanggao.imports.models import ImportJob
from shuanggao.universities.models import University
from tests.dbs import fresh_database
from tests.imports.sheets import UNIVERSITY_HEADER, read_xlsx, university_rows, xlsx

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with fresh_database(tmp_path) as url:
        monkeypatch.setenv("SHUANGGAO_DATABASE_URL", url)
        monkeypatch.setenv("SHUANGGAO_VAR_DIR", str(tmp_path))
        get_settings.cache_clear()
        try:
            yield url
        finally:
            get_settings.cache_clear()


@pytest.fixture
def app() -> typer.Typer:
    root = typer.Typer()
    transfer.register(root)
    return root


def _universities(url: str) -> int:
    engine = build_engine(url)
    try:
        with Session(engine) as session:
            stmt = select(func.count()).select_from(University).where(University.code.like("49%"))
            return int(session.scalar(stmt) or 0)
    finally:
        engine.dispose()


def test_dry_run_then_import_then_again(cli_db: str, app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "高校.xlsx"
    path.write_bytes(xlsx(UNIVERSITY_HEADER, university_rows(4)))
    result = runner.invoke(app, ["import", "universities", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "预检通过" in result.output and "新增 4 条" in result.output
    assert _universities(cli_db) == 0
    engine = build_engine(cli_db)
    with Session(engine) as session:
        assert list(session.scalars(select(ImportJob.status))) == ["previewed"]
    engine.dispose()
    result = runner.invoke(app, ["import", "universities", str(path)])
    assert result.exit_code == 0, result.output
    assert "新增 4 条，更新 0 条，未变 0 条" in result.output
    assert _universities(cli_db) == 4
    again = runner.invoke(app, ["import", "universities", str(path)])
    assert again.exit_code == 0, again.output
    assert "新增 0 条，更新 0 条，未变 4 条" in again.output
    assert "相同的文件已于" in again.output
    assert _universities(cli_db) == 4


def test_rejected_file_exits_1_lists_rows_and_writes_nothing(
    cli_db: str, app: typer.Typer, tmp_path: Path
) -> None:
    rows = university_rows(3)
    rows[1][0] = "bad"
    rows[2][4] = "研究生"
    rows[2][5] = "[/x]"  # echoed in the message as typed, never read as console markup
    path = tmp_path / "bad.csv"
    path.write_text(
        "\n".join(",".join(r) for r in [UNIVERSITY_HEADER, *[[c or "" for c in r] for r in rows]]),
        encoding="gbk",
    )
    result = runner.invoke(app, ["import", "universities", str(path)], terminal_width=200)
    assert result.exit_code == 1
    assert "3 处错误，未导入任何数据" in result.output
    assert "“[/x]”" in result.output
    assert "学校标识码" in result.output and "办学层次" in result.output
    assert _universities(cli_db) == 0
    png = tmp_path / "图.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    result = runner.invoke(app, ["import", "universities", str(png)])
    assert result.exit_code == 1
    assert "PNG" in result.output
    result = runner.invoke(app, ["import", "nothing", str(png)])
    assert result.exit_code == 2
    result = runner.invoke(app, ["import", "universities", str(tmp_path / "missing.xlsx")])
    assert result.exit_code == 2


def test_export_and_template(cli_db: str, app: typer.Typer, tmp_path: Path) -> None:
    source = tmp_path / "u.xlsx"
    source.write_bytes(xlsx(UNIVERSITY_HEADER, university_rows(2)))
    assert runner.invoke(app, ["import", "universities", str(source)]).exit_code == 0
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["export", "universities", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("学校标识码,学校名称,所在省份,所在地")
    assert sum("导入测试大学" in line for line in text.splitlines()) == 2
    as_xlsx = tmp_path / "out.data"
    result = runner.invoke(app, ["export", "universities", str(as_xlsx), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    assert len(read_xlsx(as_xlsx.read_bytes())) >= 3
    template = tmp_path / "模板.xlsx"
    result = runner.invoke(app, ["export", "universities", "--template", str(template)])
    assert result.exit_code == 0, result.output
    assert read_xlsx(template.read_bytes())[0][0] == "*学校标识码"
    reimport = runner.invoke(app, ["import", "universities", str(out)])
    assert reimport.exit_code == 0, reimport.output
    assert "新增 0 条，更新 0 条" in reimport.output
    assert runner.invoke(app, ["export", "universities"]).exit_code == 2
