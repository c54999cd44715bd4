"""Refusing what is not a safe spreadsheet, before any parser sees it; reading CSV encodings."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.errors import AppError
from shuanggao.imports import files
from shuanggao.imports import service as imports
from shuanggao.imports.errors import BadFile, FileTooLarge
from shuanggao.imports.models import ImportJob
from shuanggao.kit.register import get_register
from shuanggao.universities.models import University
from tests.imports.sheets import UNIVERSITY_HEADER, csv_bytes, university_rows, xlsx

SYSTEM = Actor.system("tester")
LIMIT = 20 * 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def _refused(filename: str, data: bytes, *, max_bytes: int = LIMIT) -> AppError:
    with pytest.raises(AppError) as info:
        files.read_table(filename, data, max_bytes=max_bytes)
    return info.value


def _rebuilt(original: bytes, replace: dict[str, bytes], *, level: int = 9) -> bytes:
    """``original`` xlsx with some parts replaced (compressed at ``level``)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst,
    ):
        for info in src.infolist():
            if info.filename not in replace:
                dst.writestr(info.filename, src.read(info.filename))
        for name, content in replace.items():
            dst.writestr(name, content)
    return out.getvalue()


def test_png_renamed_xlsx_is_refused(session: Session) -> None:
    with pytest.raises(BadFile) as info:
        imports.preview_import(session, SYSTEM, get_register("universities"), "名单.xlsx", PNG)
    assert info.value.code == "bad_file"
    assert "PNG" in info.value.detail
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_png_renamed_csv_old_xls_and_other_extensions_are_refused() -> None:
    assert _refused("名单.csv", PNG).code == "bad_file"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    assert _refused("名单.xlsx", ole).code == "bad_file"
    assert _refused("名单.xls", ole).code == "bad_file"
    assert _refused("名单.txt", b"a,b\n1,2\n").code == "bad_file"
    assert _refused("名单", b"a,b\n1,2\n").code == "bad_file"


def test_xlsx_named_csv_is_refused() -> None:
    data = xlsx(UNIVERSITY_HEADER, university_rows(1))
    assert _refused("名单.csv", data).code == "bad_file"


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert _refused("a.xlsx", out.getvalue()).code == "bad_file"
    assert _refused("b.xlsx", b"PK\x03\x04" + b"garbage" * 10).code == "bad_file"


def test_oversized_file_is_refused(session: Session) -> None:
    data = csv_bytes(UNIVERSITY_HEADER, university_rows(50))
    with pytest.raises(FileTooLarge) as info:
        imports.preview_import(
            session, SYSTEM, get_register("universities"), "u.csv", data, max_bytes=1000
        )
    assert (info.value.code, info.value.status) == ("file_too_large", 413)
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 0
    assert _refused("u.csv", b"").code == "bad_file"


def test_zip_bomb_is_refused_before_openpyxl(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet that inflates to 300 MB from about 2 MB: refused from the zip directory."""
    monkeypatch.setattr(
        "openpyxl.load_workbook", lambda *a, **k: pytest.fail("openpyxl must not open a bomb")
    )
    base = xlsx(UNIVERSITY_HEADER, university_rows(1))
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>4900000000</t></is></c></row>'
    chunk = row * 16384
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, src.read(info.filename))
        with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            written = 0
            while written < 300 * 1024 * 1024:
                part.write(chunk)
                written += len(chunk)
    bomb = out.getvalue()
    assert len(bomb) < 3 * 1024 * 1024
    with pytest.raises(BadFile) as info:
        imports.preview_import(session, SYSTEM, get_register("universities"), "bomb.xlsx", bomb)
    assert info.value.code == "bad_file"
    assert "压缩炸弹" in info.value.detail
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_high_compression_ratio_is_refused() -> None:
    base = xlsx(UNIVERSITY_HEADER, university_rows(1))
    bomb = _rebuilt(base, {"xl/sharedStrings.xml": b" " * (20 * 1024 * 1024)})
    error = _refused("ratio.xlsx", bomb)
    assert error.code == "bad_file"
    assert "压缩比" in error.detail


def test_too_many_entries_and_dtds_are_refused() -> None:
    base = xlsx(UNIVERSITY_HEADER, university_rows(1))
    many = _rebuilt(base, {f"xl/media/x{i}.bin": b"x" for i in range(files.MAX_ZIP_ENTRIES)})
    assert _refused("many.xlsx", many).code == "bad_file"
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
        b"<sst><si><t>&lol;</t></si></sst>"
    )
    dtd = _rebuilt(base, {"xl/sharedStrings.xml": laughs})
    assert "DTD" in _refused("dtd.xlsx", dtd).detail


def test_row_cap() -> None:
    data = csv_bytes(UNIVERSITY_HEADER, university_rows(4))
    assert files.read_table("u.csv", data, max_bytes=LIMIT, max_rows=4).rows[-1][0] == 5
    assert _refused_rows(data).code == "bad_file"


def _refused_rows(data: bytes) -> AppError:
    with pytest.raises(AppError) as info:
        files.read_table("u.csv", data, max_bytes=LIMIT, max_rows=3)
    return info.value


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig", "utf-16"])
def test_csv_encodings(session: Session, encoding: str) -> None:
    data = csv_bytes(UNIVERSITY_HEADER, university_rows(2), encoding=encoding)
    job = imports.import_file(session, SYSTEM, get_register("universities"), "高校.csv", data)
    assert (job.status, job.created_count) == ("applied", 2), job.errors
    names = set(session.scalars(select(University.name).where(University.code.like("49%"))))
    assert names == {"导入测试大学0", "导入测试大学1"}


def test_csv_in_an_unknown_encoding_is_refused() -> None:
    # Bytes that are neither UTF-8 nor GB18030.
    data = "学校标识码\n".encode() + b"\x81\x20\xff\xfe\x80\n"
    assert _refused("u.csv", data).code == "bad_file"


def test_damaged_sheet_is_bad_file() -> None:
    base = xlsx(UNIVERSITY_HEADER, university_rows(1))
    broken = _rebuilt(base, {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row"})
    assert _refused("broken.xlsx", broken).code == "bad_file"
