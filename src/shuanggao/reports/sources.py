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

from shuanggao.actor import Actor
from shuanggao.kit.register import get_register
from shuanggao.kit.service import read_scope
from shuanggao.reports import records_repository as rows

Number = int | Decimal


@dataclass(frozen=True)
class RecordLine:
    """One record behind a figure: what it adds (``amount``) and where it is (``href``)."""

    register: str
    id: int
    title: str
    day: dt.date | None
    amount: Number

    @property
    def href(self) -> str:
        return f"/r/{self.register}/{self.id}"


Lister = Callable[[Session, Actor, int | None, dt.date], list[rows.Row]]


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    register: str
    list_rows: Lister
    money: bool = False

    def lines(
        self, session: Session, actor: Actor, zone_id: int | None, day: dt.date
    ) -> list[RecordLine]:
        return [
            RecordLine(self.register, i, title, d, amount)
            for i, title, d, amount in self.list_rows(session, actor, zone_id, day)
        ]

    def total(self, lines: list[RecordLine]) -> Number:
        if self.money:
            return sum((Decimal(line.amount) for line in lines), Decimal("0.00")).quantize(
                Decimal("0.01")
            )
        return sum(int(line.amount) for line in lines)


def _scope(register: str, actor: Actor) -> rows.Scope:
    return read_scope(get_register(register), actor)


def _pairings(session: Session, actor: Actor, zone_id: int | None, day: dt.date) -> list[rows.Row]:
    university = None if actor.sees_everything else actor.university_id
    return rows.pairing_links(session, day, _scope("pairings", actor), zone_id, university)


def _simple(
    register: str, query: Callable[[Session, dt.date, rows.Scope, int | None], list[rows.Row]]
) -> Lister:
    def lister(session: Session, actor: Actor, zone_id: int | None, day: dt.date) -> list[rows.Row]:
        return query(session, day, _scope(register, actor), zone_id)

    return lister


SOURCES: dict[str, Source] = {
    source.key: source
    for source in (
        Source("pairings", "结对（按结对高校计）", "pairings", _pairings),
        Source(
            "projects", "合作研发项目（按开始日期）", "projects", _simple("projects", rows.projects)
        ),
        Source(
            "platforms",
            "共建产业创新平台（按成立日期）",
            "platforms",
            _simple("platforms", rows.platforms),
        ),
        Source(
            "residents",
            "常驻园区师生（当日在园）",
            "residents",
            _simple("residents", rows.residents),
        ),
        Source(
            "enterprises_served",
            "服务企业（按首次服务日期）",
            "enterprises",
            _simple("enterprise_services", rows.enterprises_served),
        ),
        Source(
            "funding_yuan",
            "合作经费投入（按到账日期）",
            "fundings",
            _simple("fundings", rows.fundings),
            money=True,
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


# The indicators the province starts with (demo data and a new installation's first set):
# talent trained, technology contracts and innovation consortia are reported only until their
# records are kept on the platform.
DEFAULT_INDICATORS: tuple[DefaultIndicator, ...] = (
    DefaultIndicator("pairings", "结对", "个", "pairings", 10),
    DefaultIndicator("projects", "合作研发项目", "个", "projects", 20),
    DefaultIndicator("platforms", "共建产业创新平台", "个", "platforms", 30),
    DefaultIndicator("residents", "常驻园区师生", "名", "residents", 40),
    DefaultIndicator("enterprises_served", "服务企业", "家", "enterprises_served", 50),
    DefaultIndicator("funding_yuan", "合作经费投入", "元", "funding_yuan", 60, is_money=True),
    DefaultIndicator("talent_trained", "联合培养人才", "名", None, 70),
    DefaultIndicator("contracts", "技术合同", "项", None, 80),
    DefaultIndicator("consortia", "创新联合体", "个", None, 90),
)
