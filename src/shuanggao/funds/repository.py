"""Queries of the funds domain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from shuanggao.enterprises.models import Enterprise
from shuanggao.funds.models import ConversionFund, Funding, FundInvestment
from shuanggao.pairings.models import PairingUniversity
from shuanggao.projects.models import Project


def pairings_of_university(university_id: int) -> Select[Any]:
    return select(PairingUniversity.pairing_id).where(
        PairingUniversity.university_id == university_id
    )


def funds_of_zone(zone_id: int) -> Select[Any]:
    return select(ConversionFund.id).where(ConversionFund.zone_id == zone_id)


def funds_of_university(university_id: int) -> Select[Any]:
    return select(ConversionFund.id).where(
        ConversionFund.pairing_id.in_(pairings_of_university(university_id))
    )


def get_fund(session: Session, fund_id: int) -> ConversionFund | None:
    return session.scalars(select(ConversionFund).where(ConversionFund.id == fund_id)).one_or_none()


def invested_total(session: Session, fund_id: int, *, excluding: int | None = None) -> Decimal:
    """The fund's invested total, optionally without one investment (the one being edited)."""
    stmt = select(func.coalesce(func.sum(FundInvestment.amount), 0)).where(
        FundInvestment.fund_id == fund_id
    )
    if excluding is not None:
        stmt = stmt.where(FundInvestment.id != excluding)
    total = session.execute(stmt).scalar_one()
    return Decimal(total).quantize(Decimal("0.01"))


def enterprise_exists(session: Session, enterprise_id: int) -> bool:
    found = session.scalar(select(Enterprise.id).where(Enterprise.id == enterprise_id))
    return found is not None


def project_zone(session: Session, project_id: int) -> int | None:
    found = session.scalar(select(Project.zone_id).where(Project.id == project_id))
    return int(found) if found is not None else None


def funding_total(
    session: Session,
    day: dt.date,
    *,
    scope: ColumnElement[bool] | None = None,
    zone_id: int | None = None,
) -> Decimal:
    """Funding received by ``day`` (inclusive), exact, in yuan."""
    stmt = select(func.coalesce(func.sum(Funding.amount), 0)).where(Funding.funding_date <= day)
    if scope is not None:
        stmt = stmt.where(scope)
    if zone_id is not None:
        stmt = stmt.where(Funding.zone_id == zone_id)
    total = session.execute(stmt).scalar_one()
    return Decimal(total).quantize(Decimal("0.01"))


def funding_by_date(
    session: Session,
    until: dt.date,
    *,
    scope: ColumnElement[bool] | None = None,
    zone_id: int | None = None,
) -> list[tuple[dt.date, Decimal]]:
    """Funding received per day up to ``until`` (inclusive), in yuan: one query for a trend."""
    stmt = (
        select(Funding.funding_date, func.sum(Funding.amount))
        .where(Funding.funding_date <= until)
        .group_by(Funding.funding_date)
    )
    if scope is not None:
        stmt = stmt.where(scope)
    if zone_id is not None:
        stmt = stmt.where(Funding.zone_id == zone_id)
    return [(day, Decimal(total or 0)) for day, total in session.execute(stmt)]


def funding_per_zone(
    session: Session, day: dt.date, *, scope: ColumnElement[bool] | None, zone_ids: list[int]
) -> dict[int, Decimal]:
    """``funding_total`` of each of ``zone_ids``, in one query."""
    stmt = (
        select(Funding.zone_id, func.sum(Funding.amount))
        .where(Funding.funding_date <= day, Funding.zone_id.in_(zone_ids))
        .group_by(Funding.zone_id)
    )
    if scope is not None:
        stmt = stmt.where(scope)
    return {
        int(zid): Decimal(total or 0).quantize(Decimal("0.01"))
        for zid, total in session.execute(stmt)
    }
