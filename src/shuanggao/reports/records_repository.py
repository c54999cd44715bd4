"""Queries listing the records behind a figure (the rows an indicator source counts), so every
figure a unit reports can be followed to its records.

Each function returns ``(id, title, day, amount)`` rows: ``amount`` is what the row adds to the
figure (1 for a counted row, the number of universities for a pairing, yuan for funding). The
rules are the statistics' (``reports.repository``): a record dated after the day, or not dated,
is not counted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Date, Integer, String, column, func, select, table
from sqlalchemy.orm import Session

from shuanggao.enterprises.models import Enterprise, EnterpriseService
from shuanggao.funds.models import Funding
from shuanggao.mentoring.models import PracticeProject
from shuanggao.pairings.models import Pairing, PairingUniversity
from shuanggao.platforms.models import Platform
from shuanggao.projects.models import Project
from shuanggao.talent.models import Resident
from shuanggao.talent.repository import present_on
from shuanggao.universities.models import University

Scope = ColumnElement[bool] | None
Row = tuple[int, str, dt.date | None, int | Decimal]
# A figure's records are listed in full up to this many rows (a zone holds far fewer).
MAX_ROWS = 2000


def _narrow(stmt: Any, scope: Scope, *pairs: tuple[Any, int | None]) -> Any:
    """``stmt`` within the reader's scope and each given (column, id) that is not None."""
    if scope is not None:
        stmt = stmt.where(scope)
    for col, value in pairs:
        if value is not None:
            stmt = stmt.where(col == value)
    return stmt


def _dated(
    session: Session,
    model: Any,
    title: Any,
    day_col: Any,
    day: dt.date,
    scope: Scope,
    zone_id: int | None,
    pairing_id: int | None,
    *where: ColumnElement[bool],
) -> list[Row]:
    """One counted row per record of ``model`` dated on or before ``day``."""
    stmt = (
        select(model.id, title, day_col)
        .where(day_col.is_not(None), day_col <= day, *where)
        .order_by(day_col, model.id)
        .limit(MAX_ROWS)
    )
    stmt = _narrow(stmt, scope, (model.zone_id, zone_id), (model.pairing_id, pairing_id))
    return [(int(i), str(t), d, 1) for i, t, d in session.execute(stmt)]


def pairing_links(
    session: Session,
    day: dt.date,
    scope: Scope,
    zone_id: int | None,
    university_id: int | None,
    pairing_id: int | None = None,
) -> list[Row]:
    """Pairings started by ``day``, one row per pairing with the number of its universities."""
    stmt = (
        select(
            Pairing.id,
            func.min(University.name),
            Pairing.start_date,
            func.count(PairingUniversity.university_id),
        )
        .join(PairingUniversity, PairingUniversity.pairing_id == Pairing.id)
        .join(University, University.id == PairingUniversity.university_id)
        .where(Pairing.start_date.is_not(None), Pairing.start_date <= day)
        .group_by(Pairing.id, Pairing.start_date)
        .order_by(Pairing.start_date, Pairing.id)
        .limit(MAX_ROWS)
    )
    stmt = _narrow(
        stmt,
        scope,
        (Pairing.zone_id, zone_id),
        (PairingUniversity.university_id, university_id),
        (Pairing.id, pairing_id),
    )
    return [
        (int(i), f"与{name}等结对" if n > 1 else f"与{name}结对", d, int(n))
        for i, name, d, n in session.execute(stmt)
    ]


def projects(
    session: Session, day: dt.date, scope: Scope, zone_id: int | None, pairing_id: int | None = None
) -> list[Row]:
    return _dated(
        session, Project, Project.title, Project.start_date, day, scope, zone_id, pairing_id
    )


def platforms(
    session: Session, day: dt.date, scope: Scope, zone_id: int | None, pairing_id: int | None = None
) -> list[Row]:
    return _dated(
        session, Platform, Platform.name, Platform.established_date, day, scope, zone_id,
        pairing_id,
    )  # fmt: skip


def residents(
    session: Session, day: dt.date, scope: Scope, zone_id: int | None, pairing_id: int | None = None
) -> list[Row]:
    """Residents present on ``day``; titled by record number (names are personal data)."""
    stmt = (
        select(Resident.id, University.name, Resident.from_date)
        .join(University, University.id == Resident.university_id)
        .where(present_on(day))
        .order_by(Resident.from_date, Resident.id)
        .limit(MAX_ROWS)
    )
    stmt = _narrow(stmt, scope, (Resident.zone_id, zone_id), (Resident.pairing_id, pairing_id))
    return [(int(i), f"{name}常驻人员（记录 {i}）", d, 1) for i, name, d in session.execute(stmt)]


def enterprises_served(
    session: Session, day: dt.date, scope: Scope, zone_id: int | None, pairing_id: int | None = None
) -> list[Row]:
    """Enterprises served by ``day``, each with the day of its first service."""
    stmt = (
        select(Enterprise.id, Enterprise.name, func.min(EnterpriseService.service_date))
        .select_from(EnterpriseService)
        .join(Enterprise, Enterprise.id == EnterpriseService.enterprise_id)
        .where(EnterpriseService.service_date <= day)
        .group_by(Enterprise.id, Enterprise.name)
        .order_by(func.min(EnterpriseService.service_date), Enterprise.id)
        .limit(MAX_ROWS)
    )
    stmt = _narrow(
        stmt,
        scope,
        (EnterpriseService.zone_id, zone_id),
        (EnterpriseService.pairing_id, pairing_id),
    )
    return [(int(i), str(t), d, 1) for i, t, d in session.execute(stmt)]


def fundings(
    session: Session, day: dt.date, scope: Scope, zone_id: int | None, pairing_id: int | None = None
) -> list[Row]:
    stmt = (
        select(Funding.id, Funding.title, Funding.funding_date, Funding.amount)
        .where(Funding.funding_date <= day)
        .order_by(Funding.funding_date, Funding.id)
        .limit(MAX_ROWS)
    )
    stmt = _narrow(stmt, scope, (Funding.zone_id, zone_id), (Funding.pairing_id, pairing_id))
    return [(int(i), str(t), d, Decimal(a)) for i, t, d, a in session.execute(stmt)]


def students_trained(
    session: Session, day: dt.date, scope: Scope, zone_id: int | None, pairing_id: int | None = None
) -> list[Row]:
    """Dual-mentor practice projects under way by ``day``: both mentors confirmed (no longer
    待导师确认) and started; one row per project, titled by the project (not the student)."""
    return _dated(
        session, PracticeProject, PracticeProject.title, PracticeProject.start_date, day, scope,
        zone_id, pairing_id, PracticeProject.state != "proposed",
    )  # fmt: skip


# The pipeline's collaborations (a higher layer): named here, not imported; a test checks the
# names against ``pipeline.models.Collaboration``.
COLLABORATION = table(
    "collaboration",
    column("id", Integer),
    column("title", String),
    column("zone_id", Integer),
    column("pairing_id", Integer),
    column("university_id", Integer),
    column("confidential", Boolean),
    column("contract_signed_date", Date),
)


def contracts(
    session: Session,
    day: dt.date,
    zone_id: int | None,
    pairing_id: int | None,
    university_id: int | None,
    *,
    titles: bool,
) -> list[Row]:
    """Collaborations whose contract was signed by ``day`` (技术合同); a confidential one is
    titled by its number unless ``titles``."""
    c = COLLABORATION.c
    stmt = (
        select(c.id, c.title, c.contract_signed_date, c.confidential)
        .where(c.contract_signed_date.is_not(None), c.contract_signed_date <= day)
        .order_by(c.contract_signed_date, c.id)
        .limit(MAX_ROWS)
    )
    stmt = _narrow(
        stmt,
        None,
        (c.zone_id, zone_id),
        (c.pairing_id, pairing_id),
        (c.university_id, university_id),
    )
    return [
        (int(i), str(t) if titles or not secret else f"保密合作（记录 {i}）", d, 1)
        for i, t, d, secret in session.execute(stmt)
    ]


def consortia(
    session: Session,
    model: Any,
    day: dt.date,
    scope: Scope,
    zone_id: int | None,
    pairing_id: int | None = None,
) -> list[Row]:
    """Innovation consortia (创新联合体) whose agreement was signed by ``day``. ``model`` is the
    consortia register's model (a higher layer, reached through the register)."""
    if pairing_id is not None:
        return []  # consortia belong to a zone, not to one pairing
    stmt = (
        select(model.id, model.name, model.agreement_date)
        .where(model.agreement_date.is_not(None), model.agreement_date <= day)
        .order_by(model.agreement_date, model.id)
        .limit(MAX_ROWS)
    )
    stmt = _narrow(stmt, scope, (model.zone_id, zone_id))
    return [(int(i), str(t), d, 1) for i, t, d in session.execute(stmt)]
