"""Rules of periodic reports: called by the register's ``validate`` before every create and
update."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.errors import Forbidden, ValidationFailed
from shuanggao.kit.checks import normalize
from shuanggao.pairings.models import PairingUniversity
from shuanggao.pairings.repository import pairing_ids_with_university
from shuanggao.pairings.rules import check_place
from shuanggao.reports.errors import ReportStateError
from shuanggao.reports.models import FIGURE_NAMES, ReportPeriod
from shuanggao.reports.schemas import (
    FIGURE_LABELS,
    IndicatorCreate,
    PeriodCreate,
    ReportCreate,
    ReportScope,
)
from shuanggao.reports.sources import SOURCES


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
    if values.get("period_id") is not None:
        period = session.get(ReportPeriod, values["period_id"])
        if period is None:
            fields["period_id"] = "填报期不存在"
        elif period.period_end != values["period_end"]:
            fields["period_id"] = "填报期止须与所选填报期一致"
    if fields:
        raise ValidationFailed(fields=fields)
    if actor.role is Role.UNIVERSITY_ADMIN and actor.university_id is not None:
        member = session.scalar(
            pairing_ids_with_university(actor.university_id).where(
                PairingUniversity.pairing_id == values.get("pairing_id")
            )
        )
        if member is None:
            raise Forbidden("您只能填报本校参与的结对。")
    check_place(session, values, university_field=None)


def validate_period(session: Session, actor: Actor, values: dict[str, Any], current: Any) -> None:
    normalize(PeriodCreate, values)
    fields: dict[str, str] = {}
    if values["period_end"] < values["period_start"]:
        fields["period_end"] = "填报期止不能早于填报期起"
    if values["due_date"] < values["period_end"]:
        fields["due_date"] = "截止提交日期不能早于填报期止"
    if fields:
        raise ValidationFailed(fields=fields)


def validate_indicator(
    session: Session, actor: Actor, values: dict[str, Any], current: Any
) -> None:
    normalize(IndicatorCreate, values)
    source = values.get("source") or None
    values["source"] = source
    if source is not None and source not in SOURCES:
        known = "、".join(SOURCES)
        raise ValidationFailed(fields={"source": f"记录来源“{source}”不存在（可选：{known}）"})
    if source is not None and SOURCES[source].money != bool(values.get("is_money")):
        raise ValidationFailed(fields={"is_money": "金额指标须与记录来源一致（经费来源为金额）"})
    code = values["code"]
    if code in FIGURE_NAMES and (code == "funding_yuan") != bool(values.get("is_money")):
        raise ValidationFailed(fields={"is_money": "该指标代码的数字列与“金额指标”不一致"})
