"""Rules of conversion funds, fund investments and fundings: called by the registers'
``validate`` before every create and update."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.errors import ValidationFailed
from shuanggao.funds import repository
from shuanggao.funds.money import yuan_text
from shuanggao.funds.schemas import (
    ConversionFundCreate,
    FundingCreate,
    FundInvestmentCreate,
)
from shuanggao.kit.checks import normalize
from shuanggao.pairings.rules import check_place


def validate_fund(session: Session, actor: Actor, values: dict[str, Any], current: Any) -> None:
    normalize(ConversionFundCreate, values)
    check_place(session, values, university_field=None)
    if current is not None:
        invested = repository.invested_total(session, current.id)
        if values["size"] < invested:
            raise ValidationFailed(
                f"基金规模不能小于已投资金额 {yuan_text(invested)} 元。",
                fields={"size": f"基金规模不能小于已投资金额 {yuan_text(invested)} 元"},
            )


def validate_investment(
    session: Session, actor: Actor, values: dict[str, Any], current: Any
) -> None:
    normalize(FundInvestmentCreate, values)
    fund = repository.get_fund(session, values["fund_id"])
    # A fund the actor may not write is answered as if it did not exist.
    if fund is None or not (actor.is_province or fund.zone_id == actor.zone_id):
        raise ValidationFailed(fields={"fund_id": "转化基金不存在"})
    fields: dict[str, str] = {}
    if values.get("enterprise_id") is not None and not repository.enterprise_exists(
        session, values["enterprise_id"]
    ):
        fields["enterprise_id"] = "企业不存在"
    if values.get("project_id") is not None:
        project_zone = repository.project_zone(session, values["project_id"])
        if project_zone is None:
            fields["project_id"] = "项目不存在"
        elif project_zone != fund.zone_id:
            fields["project_id"] = "该项目不属于基金所在高新区"
    if fields:
        raise ValidationFailed(fields=fields)
    others = repository.invested_total(
        session, fund.id, excluding=current.id if current is not None else None
    )
    amount = values["amount"]
    if others + amount > fund.size:
        left = fund.size - others
        message = (
            f"投资金额超出基金规模：转化基金“{fund.name}”规模 {yuan_text(fund.size)} 元，"
            f"已投资 {yuan_text(others)} 元，尚可投资 {yuan_text(left)} 元。"
        )
        raise ValidationFailed(message, fields={"amount": message.rstrip("。")})


def validate_funding(session: Session, actor: Actor, values: dict[str, Any], current: Any) -> None:
    normalize(FundingCreate, values)
    check_place(session, values, university_required=values.get("pairing_id") is None)
    if values.get("project_id") is not None:
        project_zone = repository.project_zone(session, values["project_id"])
        if project_zone is None:
            raise ValidationFailed(fields={"project_id": "项目不存在"})
        if project_zone != values["zone_id"]:
            raise ValidationFailed(fields={"project_id": "该项目不属于所填高新区"})
