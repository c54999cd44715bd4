"""Rules of periodic reports: called by the register's ``validate`` before every create and
update."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.errors import ValidationFailed
from shuanggao.kit.checks import normalize
from shuanggao.pairings.rules import check_place
from shuanggao.reports.errors import ReportStateError
from shuanggao.reports.schemas import (
    FIGURE_LABELS,
    ReportCreate,
    ReportScope,
)


def validate_report(session: Session, actor: Actor, values: dict[str, Any], current: Any) -> None:
    if current is not None and current.status != "draft":
        raise ReportStateError("只有草稿状态的填报可以修改；已提交的填报请先由省级管理员退回。")
    normalize(ReportCreate, values)
    scope = values["scope"]
    fields: dict[str, str] = {}
    if scope == ReportScope.PROGRAMME:
        if values.get("zone_id") is not None:
            fields["zone_id"] = "全省填报不应填写高新区"
        if values.get("pairing_id") is not None:
            fields["pairing_id"] = "全省填报不应填写结对"
    elif scope == ReportScope.ZONE:
        if values.get("zone_id") is None:
            fields["zone_id"] = "高新区填报须填写高新区"
        if values.get("pairing_id") is not None:
            fields["pairing_id"] = "高新区填报不应填写结对，请选择“结对”范围"
    else:
        if values.get("zone_id") is None:
            fields["zone_id"] = "结对填报须填写结对所在的高新区"
        if values.get("pairing_id") is None:
            fields["pairing_id"] = "结对填报须填写结对"
    if values["period_end"] < values["period_start"]:
        fields["period_end"] = "填报期止不能早于填报期起"
    if values["as_of_date"] < values["period_start"]:
        fields["as_of_date"] = "数据截至日期不能早于填报期起"
    missing = [k for k in values.get("qualifiers", {}) if values.get(k) is None]
    if missing:
        names = "、".join(FIGURE_LABELS[k] for k in missing)
        fields["qualifiers"] = f"修饰词所指的数字未填写：{names}"
    if fields:
        raise ValidationFailed(fields=fields)
    check_place(session, values, university_field=None)
