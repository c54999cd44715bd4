"""Indicator sources: the declarative list of functions that count the records behind an
indicator for a unit (a zone, or the whole programme) and a day.

``SOURCES`` maps a source key to the register whose records it lists and the query that lists
them; the figure is the sum of the rows' amounts (a count, or yuan). An indicator the province
defines names one of these keys as its ``source``; an indicator without one is reported only.
The rules are the statistics' (``reports.service.record_series``), and a test checks that both
give the same figure for every zone of the demo data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.kit.register import get_register
from shuanggao.kit.service import read_scope
from shuanggao.mentoring.policy import project_scope
from shuanggao.reports import records_repository as rows

Number = int | Decimal


@dataclass(frozen=True)
class RecordLine:
    """One record behind a figure: what it adds (``amount``) and where it is (``href``)."""

    link: str  # the record's page, with ``{id}``
    id: int
    title: str
    day: dt.date | None
    amount: Number

    @property
    def href(self) -> str:
        return self.link.format(id=self.id)


# ``(session, actor, zone_id, day, pairing_id)``: the rows, in the actor's scope, of a zone (or
# the programme when None) and, with ``pairing_id``, of one pairing.
Lister = Callable[[Session, Actor, int | None, dt.date, int | None], list[rows.Row]]


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    link: str  # a record's page, with ``{id}``
    list_rows: Lister
    money: bool = False

    def lines(
        self,
        session: Session,
        actor: Actor,
        zone_id: int | None,
        day: dt.date,
        pairing_id: int | None = None,
    ) -> list[RecordLine]:
        return [
            RecordLine(self.link, i, title, d, amount)
            for i, title, d, amount in self.list_rows(session, actor, zone_id, day, pairing_id)
        ]

    def total(self, lines: list[RecordLine]) -> Number:
        if self.money:
            return sum((Decimal(line.amount) for line in lines), Decimal("0.00")).quantize(
                Decimal("0.01")
            )
        return sum(int(line.amount) for line in lines)


def _scope(register: str, actor: Actor) -> rows.Scope:
    return read_scope(get_register(register), actor)


def _pairings(
    session: Session, actor: Actor, zone_id: int | None, day: dt.date, pairing_id: int | None
) -> list[rows.Row]:
    # A university's own users count the pairs their university is in (as the statistics do);
    # one pairing's report counts all of its universities.
    university = None if actor.sees_everything or pairing_id else actor.university_id
    return rows.pairing_links(
        session, day, _scope("pairings", actor), zone_id, university, pairing_id
    )


def _students(
    session: Session, actor: Actor, zone_id: int | None, day: dt.date, pairing_id: int | None
) -> list[rows.Row]:
    return rows.students_trained(session, day, project_scope(actor), zone_id, pairing_id)


def _contracts(
    session: Session, actor: Actor, zone_id: int | None, day: dt.date, pairing_id: int | None
) -> list[rows.Row]:
    # The pipeline's own tenancy, restated for counting: the province and auditors see every
    # contract; a zone administrator its zone's; a university administrator, on its pairing's
    # report, its university's contracts in that pairing.
    university = None
    if actor.role is Role.ZONE_ADMIN:
        zone_id = actor.zone_id
    elif actor.role is Role.UNIVERSITY_ADMIN and pairing_id is not None:
        university = actor.university_id
    elif not actor.sees_everything:
        return []
    return rows.contracts(
        session, day, zone_id, pairing_id, university, titles=actor.sees_everything
    )


def _consortia(
    session: Session, actor: Actor, zone_id: int | None, day: dt.date, pairing_id: int | None
) -> list[rows.Row]:
    reg = get_register("consortia")
    return rows.consortia(session, reg.model, day, read_scope(reg, actor), zone_id, pairing_id)


Query = Callable[[Session, dt.date, rows.Scope, int | None, int | None], list[rows.Row]]


def _simple(register: str, query: Query) -> Lister:
    def lister(
        session: Session, actor: Actor, zone_id: int | None, day: dt.date, pairing_id: int | None
    ) -> list[rows.Row]:
        return query(session, day, _scope(register, actor), zone_id, pairing_id)

    return lister


SOURCES: dict[str, Source] = {
    source.key: source
    for source in (
        Source("pairings", "结对（按结对高校计）", "/r/pairings/{id}", _pairings),
        Source(
            "projects",
            "合作研发项目（按开始日期）",
            "/r/projects/{id}",
            _simple("projects", rows.projects),
        ),
        Source(
            "platforms",
            "共建产业创新平台（按成立日期）",
            "/r/platforms/{id}",
            _simple("platforms", rows.platforms),
        ),
        Source(
            "residents",
            "常驻园区师生（当日在园）",
            "/r/residents/{id}",
            _simple("residents", rows.residents),
        ),
        Source(
            "enterprises_served",
            "服务企业（按首次服务日期）",
            "/r/enterprises/{id}",
            _simple("enterprise_services", rows.enterprises_served),
        ),
        Source(
            "funding_yuan",
            "合作经费投入（按到账日期）",
            "/r/fundings/{id}",
            _simple("fundings", rows.fundings),
            money=True,
        ),
        Source(
            "contracts",
            "技术合同（按合同签订日期）",
            "/pipeline/{id}",
            _contracts,
        ),
        Source(
            "consortia",
            "创新联合体（按协议签订日期）",
            "/r/consortia/{id}",
            _consortia,
        ),
        Source(
            "talent_trained",
            "双导师联合培养学生（导师已确认，按开始日期）",
            "/mentoring/{id}",
            _students,
        ),
    )
}


@dataclass(frozen=True)
class DefaultIndicator:
    code: str
    label: str
    unit: str
    source: str | None
    position: int
    is_money: bool = False


# The indicators the province starts with (demo data and a new installation's first set).
DEFAULT_INDICATORS: tuple[DefaultIndicator, ...] = (
    DefaultIndicator("pairings", "结对", "个", "pairings", 10),
    DefaultIndicator("projects", "合作研发项目", "个", "projects", 20),
    DefaultIndicator("platforms", "共建产业创新平台", "个", "platforms", 30),
    DefaultIndicator("residents", "常驻园区师生", "名", "residents", 40),
    DefaultIndicator("enterprises_served", "服务企业", "家", "enterprises_served", 50),
    DefaultIndicator("funding_yuan", "合作经费投入", "元", "funding_yuan", 60, is_money=True),
    DefaultIndicator("talent_trained", "双导师联合培养学生", "名", "talent_trained", 70),
    DefaultIndicator("contracts", "技术合同", "项", "contracts", 80),
    DefaultIndicator("consortia", "创新联合体", "个", "consortia", 90),
)
