"""``write_briefing``: the briefing as a file (.docx, .pdf or .xlsx), with the download recorded
in the audit log like every export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.audit import service as audit
from shuanggao.briefing import progress
from shuanggao.briefing.content import build_layout
from shuanggao.briefing.docx_out import write_docx
from shuanggao.briefing.fonts import briefing_fonts
from shuanggao.briefing.pdf_out import write_pdf
from shuanggao.briefing.service import FORMATS, build_briefing
from shuanggao.briefing.xlsx_out import write_xlsx
from shuanggao.errors import ValidationFailed

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class BriefingFile:
    filename: str
    content: bytes
    media_type: str


def check_format(fmt: str) -> str:
    fmt = fmt.strip().lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValidationFailed(fields={"format": "文件格式应为 docx、pdf 或 xlsx"})
    return fmt


def write_briefing(
    session: Session,
    actor: Actor,
    as_of: dt.date,
    zone_id: int | None,
    fmt: str,
    *,
    stalled_days: int = progress.DEFAULT_STALLED_DAYS,
) -> BriefingFile:
    fmt = check_format(fmt)
    briefing = build_briefing(session, actor, as_of, zone_id, stalled_days=stalled_days)
    fonts = briefing_fonts()
    layout = build_layout(briefing, fonts)
    if fmt == "docx":
        content = write_docx(layout, fonts)
    elif fmt == "pdf":
        content = write_pdf(layout, fonts)
    else:
        content = write_xlsx(layout)
    audit.record(
        session,
        actor,
        "export",
        "briefing",
        None,
        summary=f"生成工作简报：{briefing.scope_name}，截至 {as_of.isoformat()}（{fmt}）",
        after={"format": fmt, "as_of": as_of.isoformat(), "zone_id": briefing.zone_id},
    )
    session.flush()
    name = f"双高协同工作简报_{briefing.scope_name}_{as_of.isoformat()}.{fmt}"
    return BriefingFile(name, content, MEDIA_TYPES[fmt])
