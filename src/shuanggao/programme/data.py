"""The programme's files shipped in ``reference/data/programme/`` and typed readers for them:
the pairs, the public facts, the policy and reform lists, and the implementation opinion.

Nothing here touches the database: ``reference_loader`` writes what these readers return; the
programme service falls back on ``pair_facts()`` for the 2027 target's denominator.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import shuanggao
from shuanggao.kit.csvfiles import (
    ReferenceDataError,
    blank_to_none,
    parse_date,
    parse_figure,
    read_csv,
)
from shuanggao.programme.enums import AudienceRole, OrgKind

PROGRAMME_DIR = Path(shuanggao.__file__).resolve().parent / "reference" / "data" / "programme"
PAIRS_CSV = PROGRAMME_DIR / "pairs.csv"
PAIR_FACTS_CSV = PROGRAMME_DIR / "pair_facts.csv"
POLICY_LIST_CSV = PROGRAMME_DIR / "policy_list.csv"
REFORM_LIST_CSV = PROGRAMME_DIR / "reform_list.csv"
OPINION_MD = PROGRAMME_DIR / "implementation_opinion.md"


@dataclass(frozen=True)
class PairRow:
    line: int
    zone: str
    city: str
    university: str
    industry_direction: str | None
    source_url: str | None
    source_date: dt.date | None
    note: str | None


def pairs() -> list[PairRow]:
    return [
        PairRow(
            line=line,
            zone=r["zone"],
            city=r["city"],
            university=r["university"],
            industry_direction=blank_to_none(r["industry_direction"]),
            source_url=blank_to_none(r["source_url"]),
            source_date=parse_date(PAIRS_CSV, line, r["source_date"]),
            note=blank_to_none(r["note"]),
        )
        for line, r in read_csv(PAIRS_CSV)
    ]


@dataclass(frozen=True)
class FactRow:
    line: int
    scope: str
    universities: str | None
    kind: str
    name: str
    figure: Decimal | None
    unit: str | None
    fact_date: dt.date | None
    source_url: str | None
    note: str | None

    @property
    def university_names(self) -> list[str]:
        """Universities the row names: split on "；", without （notes） and a closing 等."""
        names: list[str] = []
        for part in (self.universities or "").split("；"):
            part = part.strip()
            if not part or part.startswith("（"):
                continue
            names.append(part.removesuffix("等"))
        return names


def pair_facts() -> list[FactRow]:
    return [
        FactRow(
            line=line,
            scope=r["zone"],
            universities=blank_to_none(r["university"]),
            kind=r["kind"],
            name=r["name"],
            figure=parse_figure(PAIR_FACTS_CSV, line, r["figure"]),
            unit=blank_to_none(r["unit"]),
            fact_date=parse_date(PAIR_FACTS_CSV, line, r["date"]),
            source_url=blank_to_none(r["source_url"]),
            note=blank_to_none(r["note"]),
        )
        for line, r in read_csv(PAIR_FACTS_CSV)
    ]


@dataclass(frozen=True)
class PolicyRow:
    line: int
    list_kind: str  # programme.enums.PolicyListKind value
    no: int
    title: str
    issuer: str | None
    issued_date: dt.date | None
    summary: str | None
    applies_to: str | None
    audience_roles: list[str]  # programme.enums.AudienceRole values
    org_kinds: list[str]  # programme.enums.OrgKind values
    conditions: str | None
    source_url: str | None


def _values(path: Path, line: int, text: str, allowed: set[str], what: str) -> list[str]:
    """A ``;``-separated list of enum values (checked against ``allowed``)."""
    values = [v.strip() for v in text.split(";") if v.strip()]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ReferenceDataError(path, line, f"{what}“{'、'.join(unknown)}”不在可选值中")
    return values


def policy_items() -> list[PolicyRow]:
    roles = {m.value for m in AudienceRole}
    kinds = {m.value for m in OrgKind}
    rows: list[PolicyRow] = []
    for kind, path in (("policy_guide", POLICY_LIST_CSV), ("reform_guide", REFORM_LIST_CSV)):
        for line, r in read_csv(path):
            if not r["no"].isdigit():
                raise ReferenceDataError(path, line, f"序号“{r['no']}”应为整数")
            rows.append(
                PolicyRow(
                    line=line,
                    list_kind=kind,
                    no=int(r["no"]),
                    title=r["title"],
                    issuer=blank_to_none(r["issuer"]),
                    issued_date=parse_date(path, line, r["issued_date"]),
                    summary=blank_to_none(r["summary"]),
                    applies_to=blank_to_none(r["applies_to"]),
                    audience_roles=_values(path, line, r["audience_roles"], roles, "适用角色"),
                    org_kinds=_values(path, line, r["org_kinds"], kinds, "适用单位类型"),
                    conditions=blank_to_none(r["conditions"]),
                    source_url=blank_to_none(r["source_url"]),
                )
            )
    return rows


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
