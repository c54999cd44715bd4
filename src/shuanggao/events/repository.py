"""Every query of the events domain."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session, joinedload, selectinload

from shuanggao.demand.models import Demand
from shuanggao.enterprises.models import Enterprise
from shuanggao.events.models import Event, Meeting, Registration
from shuanggao.supply.models import SupplyItem
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone

_EVENT_OPTIONS = (
    joinedload(Event.organiser_zone),
    joinedload(Event.organiser_university),
    selectinload(Event.zones),
    selectinload(Event.universities),
)
_REG_OPTIONS = (joinedload(Registration.enterprise), joinedload(Registration.university))


def list_events(session: Session, scope: ColumnElement[bool] | None) -> list[Event]:
    stmt = select(Event).options(*_EVENT_OPTIONS).order_by(Event.event_date.desc(), Event.id)
    if scope is not None:
        stmt = stmt.where(scope)
    return list(session.scalars(stmt).unique())


def get_event(
    session: Session, event_id: int, scope: ColumnElement[bool] | None, *, lock: bool = False
) -> Event | None:
    stmt = select(Event).where(Event.id == event_id).options(*_EVENT_OPTIONS)
    if scope is not None:
        stmt = stmt.where(scope)
    if lock:
        stmt = stmt.with_for_update(of=Event)
    return session.scalars(stmt).unique().one_or_none()


def registrations(session: Session, event_id: int) -> list[Registration]:
    stmt = (
        select(Registration)
        .where(Registration.event_id == event_id)
        .options(*_REG_OPTIONS)
        .order_by(Registration.side, Registration.id)
    )
    return list(session.scalars(stmt).unique())


def get_registration(session: Session, reg_id: int) -> Registration | None:
    stmt = select(Registration).where(Registration.id == reg_id).options(*_REG_OPTIONS)
    return session.scalars(stmt).unique().one_or_none()


def find_registration(session: Session, event_id: int, party_key: str) -> Registration | None:
    return session.scalar(
        select(Registration).where(
            Registration.event_id == event_id, Registration.party_key == party_key
        )
    )


def meetings(session: Session, event_id: int) -> list[Meeting]:
    stmt = (
        select(Meeting)
        .where(Meeting.event_id == event_id)
        .options(
            joinedload(Meeting.enterprise_registration).options(*_REG_OPTIONS),
            joinedload(Meeting.researcher_registration).options(*_REG_OPTIONS),
        )
        .order_by(Meeting.slot, Meeting.table_no)
    )
    return list(session.scalars(stmt).unique())


def get_meeting(session: Session, meeting_id: int) -> Meeting | None:
    stmt = (
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            joinedload(Meeting.enterprise_registration).options(*_REG_OPTIONS),
            joinedload(Meeting.researcher_registration).options(*_REG_OPTIONS),
        )
    )
    return session.scalars(stmt).unique().one_or_none()


def delete_meetings(session: Session, event_id: int) -> int:
    result = session.execute(
        delete(Meeting)
        .where(Meeting.event_id == event_id)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def enterprises(session: Session, ids: Iterable[int]) -> dict[int, Enterprise]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    return {e.id: e for e in session.scalars(select(Enterprise).where(Enterprise.id.in_(wanted)))}


def universities(session: Session, ids: Iterable[int]) -> dict[int, University]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.scalars(select(University).where(University.id.in_(wanted)))
    return {u.id: u for u in rows}


def zones(session: Session, ids: Iterable[int]) -> dict[int, Zone]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    return {z.id: z for z in session.scalars(select(Zone).where(Zone.id.in_(wanted)))}


def demand_owners(session: Session, ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    """``{demand id: (enterprise id, title)}``."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(Demand.id, Demand.enterprise_id, Demand.title).where(Demand.id.in_(wanted))
    )
    return {r.id: (r.enterprise_id, r.title) for r in rows}


def supply_owners(session: Session, ids: Iterable[int]) -> dict[int, tuple[int, str, str | None]]:
    """``{supply item id: (university id, title, owner name)}``."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(
            SupplyItem.id, SupplyItem.university_id, SupplyItem.title, SupplyItem.owner_name
        ).where(SupplyItem.id.in_(wanted))
    )
    return {r.id: (r.university_id, r.title, r.owner_name) for r in rows}


def enterprise_candidates(
    session: Session, zone_ids: Iterable[int], scope: ColumnElement[bool] | None
) -> list[tuple[int, str, int, str]]:
    """``(enterprise id, name, demand id, demand title)`` of the demands in ``scope`` of the
    enterprises of ``zone_ids``, by enterprise name."""
    return [
        (e, n, d, t) for e, n, _, d, t in enterprise_candidates_with_zone(session, zone_ids, scope)
    ]


def enterprise_candidates_with_zone(
    session: Session, zone_ids: Iterable[int], scope: ColumnElement[bool] | None
) -> list[tuple[int, str, int, int, str]]:
    """``(enterprise id, name, zone id, demand id, demand title)``, as above."""
    stmt = (
        select(Enterprise.id, Enterprise.name, Enterprise.zone_id, Demand.id, Demand.title)
        .join(Demand, Demand.enterprise_id == Enterprise.id)
        .where(Enterprise.zone_id.in_(list(zone_ids)))
        .order_by(Enterprise.name, Demand.id)
    )
    if scope is not None:
        stmt = stmt.where(scope)
    return [(r[0], r[1], r[2], r[3], r[4]) for r in session.execute(stmt)]


def researcher_candidates(
    session: Session, university_ids: Iterable[int], scope: ColumnElement[bool] | None
) -> list[tuple[int, str, str, int, str, int | None]]:
    """``(university id, university name, owner name, item id, item title, owner user id)`` of
    the named owners' supply items in ``scope`` at ``university_ids``."""
    stmt = (
        select(
            University.id,
            University.name,
            SupplyItem.owner_name,
            SupplyItem.id,
            SupplyItem.title,
            SupplyItem.owner_user_id,
        )
        .join(SupplyItem, SupplyItem.university_id == University.id)
        .where(University.id.in_(list(university_ids)), SupplyItem.owner_name.is_not(None))
        .order_by(University.name, SupplyItem.owner_name, SupplyItem.id)
    )
    if scope is not None:
        stmt = stmt.where(scope)
    return [(r[0], r[1], r[2] or "", r[3], r[4], r[5]) for r in session.execute(stmt)]


def zone_options(session: Session) -> list[tuple[int, str]]:
    return [(r[0], r[1]) for r in session.execute(select(Zone.id, Zone.name).order_by(Zone.name))]


def university_options(session: Session) -> list[tuple[int, str]]:
    rows = session.execute(select(University.id, University.name).order_by(University.name))
    return [(r[0], r[1]) for r in rows]


def find_event(session: Session, title: str, event_date: object) -> Event | None:
    return session.scalar(select(Event).where(Event.title == title, Event.event_date == event_date))
