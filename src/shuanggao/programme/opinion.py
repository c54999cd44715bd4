"""The implementation opinion (苏政办发〔2025〕28号) as shipped: a Markdown summary with its source.

The file sits with the other programme source files in ``reference/data/programme/``; the
programme domain reads it here, so it does not depend on the reference package.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import shuanggao

OPINION_MD = (
    Path(shuanggao.__file__).resolve().parent
    / "reference"
    / "data"
    / "programme"
    / "implementation_opinion.md"
)


@dataclass(frozen=True)
class Opinion:
    """苏政办发〔2025〕28号, summarised (what was read, marked 原文 or 据报道)."""

    title: str
    document_number: str | None
    issued_date: dt.date | None
    source_url: str | None
    markdown: str


@cache
def implementation_opinion() -> Opinion:
    text = OPINION_MD.read_text(encoding="utf-8")
    heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    number = re.search(r"^\|\s*文号\s*\|\s*([^|]+?)\s*\|", text, re.MULTILINE)
    issued = re.search(r"^\|\s*发文日期\s*\|\s*(\d{4}-\d{2}-\d{2})", text, re.MULTILINE)
    source = re.search(r"来源：<(https?://[^>]+)>", text)
    return Opinion(
        title=heading.group(1).strip() if heading else OPINION_MD.stem,
        document_number=number.group(1) if number else None,
        issued_date=dt.date.fromisoformat(issued.group(1)) if issued else None,
        source_url=source.group(1) if source else None,
        markdown=text,
    )
