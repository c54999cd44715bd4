"""Readers of the CSV files shipped in the package (reference and programme data)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path


class ReferenceDataError(ValueError):
    """A shipped file does not say what the loader expects (names the file and row)."""

    def __init__(self, path: Path, row: int, message: str) -> None:
        self.path = path
        self.row = row
        super().__init__(f"{path.parent.name}/{path.name} 第 {row} 行：{message}")


def read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows with their line number in the file (the header is line 1)."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}


def blank_to_none(text: str) -> str | None:
    return text or None


def parse_date(path: Path, row: int, text: str) -> dt.date | None:
    """An ISO date; empty or a bare year (the day is not known) gives None."""
    if not text or re.fullmatch(r"\d{4}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ReferenceDataError(path, row, f"日期“{text}”格式不正确") from exc


def parse_figure(path: Path, row: int, text: str) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ReferenceDataError(path, row, f"数字“{text}”格式不正确") from exc
