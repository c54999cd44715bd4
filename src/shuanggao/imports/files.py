"""Reading uploaded spreadsheets safely: .xlsx (a zip of XML) and .csv (UTF-8 or GB18030).

Everything is checked before a parser sees the bytes: the size, that the content matches the
extension (a PNG renamed .xlsx is refused), and for .xlsx the zip directory — entry count, total
uncompressed size, compression ratio, encryption, DTDs — so a zip bomb never reaches openpyxl.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from shuanggao.imports.errors import BadFile, FileTooLarge

log = logging.getLogger(__name__)

FORMATS = ("xlsx", "csv")
MAX_ROWS = 200_000
MAX_COLUMNS = 500
MAX_ZIP_ENTRIES = 1_000
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
# Real sheets compress 5-50 times; deflate bombs 1000 times. Small entries are not checked.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM_BYTES = 1024 * 1024

_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF87a", "GIF 图片"),
    (b"GIF89a", "GIF 图片"),
    (b"%PDF", "PDF 文档"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Office 文件（.xls/.doc）或加密的工作簿"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"BM", "BMP 图片"),
    (b"MZ", "可执行程序"),
    (b"\x7fELF", "可执行程序"),
]

Progress = Callable[[str, int, int], None]


@dataclass
class Table:
    """A sheet's header row and its data rows, each with the row number the user sees."""

    format: str
    header: list[Any]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


def file_format(filename: str) -> str:
    ext = PurePath(filename or "").suffix.lower().lstrip(".")
    if ext not in FORMATS:
        shown = f".{ext}" if ext else "无扩展名"
        raise BadFile(f"不支持的文件类型（{shown}），请上传 .xlsx 或 .csv 格式的表格。")
    return ext


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise FileTooLarge(
            f"文件大小为 {_mb(size)}，超过上限 {_mb(max_bytes)}，请拆分后分批导入。",
            extra={"max_bytes": max_bytes},
        )
    if size == 0:
        raise BadFile("文件是空的。")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _sniff_other(data: bytes) -> str | None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    return None


def check_content(fmt: str, data: bytes) -> None:
    """The bytes must be what the extension says."""
    is_zip = data.startswith(b"PK\x03\x04")
    if fmt == "xlsx":
        if is_zip:
            return
        other = _sniff_other(data)
        if other is not None:
            raise BadFile(f"文件内容是{other}，不是 Excel 工作簿（.xlsx），请检查文件。")
        raise BadFile("文件内容不是 Excel 工作簿（.xlsx），请在 Excel 中另存为 .xlsx 后再导入。")
    if is_zip:
        raise BadFile("文件内容是 Excel 工作簿或压缩包，不是 CSV 文本；请把扩展名改为 .xlsx。")
    other = _sniff_other(data)
    if other is not None and not data.startswith(b"BM") and not data.startswith(b"MZ"):
        raise BadFile(f"文件内容是{other}，不是 CSV 文本文件，请检查文件。")
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadFile("文件内容不是 CSV 文本文件，请检查文件。")


def check_zip(data: bytes) -> None:
    """Refuse damaged, encrypted or bomb-like .xlsx files from the zip directory alone."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BadFile("Excel 文件已损坏，无法打开。") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise BadFile(f"Excel 文件包含的内部文件过多（{len(infos)} 个），已拒绝。")
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or not any(n.endswith("workbook.xml") for n in names):
            raise BadFile("文件不是有效的 Excel 工作簿（.xlsx），请在 Excel 中另存后再导入。")
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise BadFile("Excel 文件已加密，请取消密码保护后再导入。")
            total += info.file_size
            if total > MAX_UNCOMPRESSED_BYTES:
                raise BadFile(
                    f"Excel 文件解压后超过 {_mb(MAX_UNCOMPRESSED_BYTES)}，疑似压缩炸弹，已拒绝。"
                )
            if info.file_size >= RATIO_CHECK_FROM_BYTES:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > MAX_COMPRESSION_RATIO:
                    raise BadFile(
                        f"Excel 文件的压缩比异常（{ratio:.0f} 倍），疑似压缩炸弹，已拒绝。"
                    )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                try:
                    with archive.open(info) as part:
                        head = part.read(4096)
                except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
                    raise BadFile("Excel 文件已损坏，无法打开。") from exc
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise BadFile("Excel 文件包含不允许的 XML 声明（DTD），已拒绝。")


def read_table(
    filename: str,
    data: bytes,
    *,
    max_bytes: int,
    max_rows: int = MAX_ROWS,
    progress: Progress | None = None,
) -> Table:
    """Check the upload and read its first sheet. Raises ``BadFile``/``FileTooLarge``."""
    fmt = file_format(filename)
    check_size(len(data), max_bytes)
    check_content(fmt, data)
    if fmt == "xlsx":
        check_zip(data)
        return _read_xlsx(data, max_rows, progress)
    return _read_csv(data, max_rows, progress)


def _too_many_rows(max_rows: int) -> BadFile:
    return BadFile(f"文件超过 {max_rows} 行数据的上限，请拆分后分批导入。")


def _trim(values: list[Any]) -> list[Any]:
    end = len(values)
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    return values[: min(end, MAX_COLUMNS)]


def _read_xlsx(data: bytes, max_rows: int, progress: Progress | None) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged file
        log.info("unreadable xlsx: %s", exc)
        raise BadFile("无法读取该 Excel 文件，文件可能已损坏。") from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise BadFile("Excel 文件中没有工作表。")
        sheet: Any = sheets[0]
        sheet.reset_dimensions()
        table = Table(format="xlsx", header=[])
        try:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                values = _trim(list(row))
                if number == 1:
                    table.header = values
                    continue
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                if len(table.rows) >= max_rows:
                    raise _too_many_rows(max_rows)
                table.rows.append((number, values))
                if progress is not None and number % 1000 == 0:
                    progress("read", number, 0)
        except BadFile:
            raise
        except Exception as exc:  # damaged sheet XML
            log.info("unreadable xlsx sheet: %s", exc)
            raise BadFile("无法读取该 Excel 文件，文件可能已损坏。") from exc
    finally:
        workbook.close()
    return table


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 as Chinese Excel saves it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BadFile("无法识别 CSV 文件的编码，请另存为 UTF-8 编码后再导入。") from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadFile("无法识别 CSV 文件的编码，请另存为 UTF-8 编码后再导入。")


_FORMULA_GUARD = ("'=", "'+", "'-", "'@")


def _unguard(value: str) -> str:
    """Exports prefix text that looks like a formula with ``'``; take it off again."""
    return value[1:] if value.startswith(_FORMULA_GUARD) else value


def _read_csv(data: bytes, max_rows: int, progress: Progress | None) -> Table:
    text = decode_csv(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table = Table(format="csv", header=[])
    try:
        for number, row in enumerate(reader, start=1):
            values = _trim([_unguard(v) for v in row])
            if number == 1:
                table.header = values
                continue
            if all(not v.strip() for v in values):
                continue
            if len(table.rows) >= max_rows:
                raise _too_many_rows(max_rows)
            table.rows.append((number, values))
            if progress is not None and number % 1000 == 0:
                progress("read", number, 0)
    except csv.Error as exc:
        raise BadFile(f"CSV 文件格式有误：{exc}") from exc
    return table
