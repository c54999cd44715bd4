"""``shuanggao reference load``: write the shipped reference data, idempotently.

Every kind is upserted by its natural key: new rows are inserted in bulk, rows whose loaded
fields differ are updated (version bumped, audited once per kind), the rest are left alone, so a
second run changes nothing. Fields people maintain (a zone's industries, a university's
disciplines, notes) are set only when a row is created. A field the files leave empty never
erases a value, and a flag the files raise (试点) is never lowered by them.

The pairs of ``programme/pairs.csv`` go through the pairings service; the facts and the policy
lists of ``programme/`` land in the programme registers. University names in the programme files
must match the MoE list exactly: any that does not stops the load before anything is written,
naming the file and row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session, selectinload

from shuanggao.actor import Actor
from shuanggao.audit import service as audit
from shuanggao.pairings.repository import find_pairing
from shuanggao.pairings.schemas import PairingStatus
from shuanggao.pairings.service import create_or_update_pairing
from shuanggao.programme import data as programme_data
from shuanggao.programme.enums import Batch, FactKind, PolicyListKind
from shuanggao.programme.models import PolicyItem, ProgrammeFact, ProgrammeFactUniversity
from shuanggao.reference import data
from shuanggao.reference.errors import ReferenceLoadFailed
from shuanggao.reference.models import Discipline, Industry
from shuanggao.reference.repository import ReferenceRepository
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone

PILOT_BATCH = Batch.PILOT_2025
# The 18 pilot zones and their universities were announced in July 2025 (day not published);
# the earliest dated source of the list is the 中国化工报 report of 2025-08-04.
PILOT_LIST_NOTE = (
    "首批试点名单于2025年7月公布（具体日期未见）；开始日期取名单报道日期。"
    "以下为公开页面确认的结对高校，未必是该区全部结对高校"
)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def changed(self) -> int:
        return self.created + self.updated

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged

    def summary(self) -> str:
        return f"新增 {self.created}, 更新 {self.updated}, 未变 {self.unchanged}"


@dataclass
class LoadReport:
    steps: dict[str, Counts] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def totals(self) -> Counts:
        total = Counts()
        for counts in self.steps.values():
            total.add(counts)
        return total


@dataclass(frozen=True)
class Fields:
    """How the loader treats a model's fields on update (all given fields are set on create)."""

    sync: tuple[str, ...] = ()  # kept equal to the files (a None in the files leaves it alone)
    only_true: tuple[str, ...] = ()  # flags the files may raise but never lower


def _differs(current: Any, wanted: Any) -> bool:
    return bool(current != wanted)


def upsert(
    session: Session,
    model: type[Any],
    key: tuple[str, ...],
    rows: Sequence[dict[str, Any]],
    fields: Fields,
    *,
    skip: Callable[[str, Any], bool] | None = None,
) -> Counts:
    """Insert missing rows in bulk and update changed ones; returns the counts.

    ``skip(field, value)`` tells which file values mean "no data" (default: None).
    """
    no_data = skip or (lambda _field, value: value is None)
    repo = ReferenceRepository(session)
    existing = {tuple(getattr(obj, k) for k in key): obj for obj in repo.all_rows(model)}
    counts = Counts()
    new_rows: list[dict[str, Any]] = []
    for row in rows:
        obj = existing.get(tuple(row[k] for k in key))
        if obj is None:
            new_rows.append(row)
            continue
        changed = False
        for name in fields.sync:
            value = row.get(name)
            if no_data(name, value) or not _differs(getattr(obj, name), value):
                continue
            setattr(obj, name, value)
            changed = True
        for name in fields.only_true:
            if row.get(name) and not getattr(obj, name):
                setattr(obj, name, True)
                changed = True
        if changed:
            obj.version += 1
            counts.updated += 1
        else:
            counts.unchanged += 1
    if new_rows:
        session.execute(insert(model), new_rows)
        counts.created = len(new_rows)
    session.flush()
    return counts


# ---------------------------------------------------------------- steps


def load_industries(session: Session, actor: Actor) -> Counts:
    rows = [
        {
            "code": n.code,
            "name": n.name,
            "level": n.level.value,
            "section": n.section,
            "parent_code": n.parent_code,
            "description": n.description,
            "tags": list(n.tags),
            "is_strategic": n.is_strategic,
            "is_high_tech": n.is_high_tech,
            "is_digital": n.is_digital,
            "strategic_paths": n.strategic_paths,
            "key_products": n.key_products,
            "classifications": [dict(c) for c in n.classifications],
            "keywords": n.keywords,
        }
        for n in data.industries()
    ]
    synced = tuple(k for k in rows[0] if k != "code")
    return upsert(session, Industry, ("code",), rows, Fields(sync=synced))


def load_disciplines(session: Session, actor: Actor) -> Counts:
    rows = [
        {
            "code": d.code,
            "name": d.name,
            "kind": d.kind,
            "parent_code": d.parent_code,
            "doctoral": d.doctoral,
            "note": d.note,
        }
        for d in data.disciplines()
    ]
    fields = Fields(sync=("name", "kind", "parent_code", "doctoral", "note"))
    return upsert(session, Discipline, ("code",), rows, fields)


_EDUCATION_LEVELS = {"本科": "undergraduate", "专科": "vocational"}


def _pilot_university_names() -> set[str]:
    return {pair.university for pair in programme_data.pairs()}


def check_universities(session: Session) -> None:
    """The MoE rows must fit the database: a valid level, and no university typed in by hand
    under the same name with another code (it would block the official row)."""
    problems = [
        f"universities/{data.UNIVERSITIES_CSV.name} 第 {u.line} 行：办学层次“{u.level}”不正确"
        for u in data.universities()
        if u.level not in _EDUCATION_LEVELS
    ]
    repo = ReferenceRepository(session)
    by_name = repo.ids_by(University, "name")
    by_code = repo.ids_by(University, "code")
    for u in data.universities():
        if u.name in by_name and u.code not in by_code:
            problems.append(
                f"universities/{data.UNIVERSITIES_CSV.name} 第 {u.line} 行：数据库中已有名为"
                f"“{u.name}”的高校，但学校标识码不是 {u.code}，请先更正该记录"
            )
    if problems:
        raise ReferenceLoadFailed(problems)


def load_universities(session: Session, actor: Actor) -> Counts:
    pilots = _pilot_university_names()
    rows_in = data.universities()
    rows: list[dict[str, Any]] = [
        {
            "code": u.code,
            "name": u.name,
            "province": u.province,
            "city": u.city,
            "authority": u.authority,
            "level": _EDUCATION_LEVELS[u.level],
            "is_private": u.note == "民办",
            "note": u.note if u.note != "民办" else None,
            "discipline_codes": [],
            "is_pilot": u.name in pilots,
        }
        for u in rows_in
    ]
    fields = Fields(
        sync=("name", "province", "city", "authority", "level", "is_private"),
        only_true=("is_pilot",),
    )
    return upsert(session, University, ("code",), rows, fields)


def load_zones(session: Session, actor: Actor) -> Counts:
    rows: list[dict[str, Any]] = [
        {
            "name": z.name,
            "full_name": z.full_name,
            "level": z.level,
            "city": z.city,
            "is_pilot": z.is_pilot,
            "source_url": z.source_url,
            "source_date": z.source_date,
            "note": z.note,
            "industry_codes": [],
            "emerging_codes": [],
        }
        for z in data.zones()
    ]
    fields = Fields(
        sync=("full_name", "level", "city", "source_url", "source_date"),
        only_true=("is_pilot",),
    )

    def no_data(name: str, value: Any) -> bool:
        # An unknown level in the files never overwrites a level someone has established.
        return value is None or (name == "level" and value == "unknown")

    return upsert(session, Zone, ("name",), rows, fields, skip=no_data)


def _unknown_university_names(names: Iterable[tuple[str, int, str]]) -> list[str]:
    """``(file, line, name)``: every name must be on the MoE list exactly."""
    known = {u.name for u in data.universities()}
    return [
        f"programme/{file} 第 {line} 行：高校“{name}”不在教育部普通高等学校名单中"
        for file, line, name in names
        if name not in known
    ]


def check_programme_files() -> None:
    """Refuse the load, naming every bad row, before anything is written."""
    names = [(programme_data.PAIRS_CSV.name, p.line, p.university) for p in programme_data.pairs()]
    problems: list[str] = []
    kinds = {k.value for k in FactKind}
    zones = {z.name for z in data.zones()}
    for pair in programme_data.pairs():
        if pair.zone not in zones:
            problems.append(
                f"programme/{programme_data.PAIRS_CSV.name} 第 {pair.line} 行："
                f"高新区“{pair.zone}”不在高新区名单中"
            )
    for fact in programme_data.pair_facts():
        names += [(programme_data.PAIR_FACTS_CSV.name, fact.line, n) for n in fact.university_names]
        if fact.kind not in kinds:
            problems.append(
                f"programme/{programme_data.PAIR_FACTS_CSV.name} 第 {fact.line} 行："
                f"类别“{fact.kind}”不正确"
            )
    problems += _unknown_university_names(names)
    if problems:
        raise ReferenceLoadFailed(sorted(problems, key=_file_and_line))


def _file_and_line(problem: str) -> tuple[str, int]:
    file, _, rest = problem.partition(" 第 ")
    line, _, _ = rest.partition(" 行")
    return file, int(line) if line.isdigit() else 0


def load_pairings(session: Session, actor: Actor) -> Counts:
    repo = ReferenceRepository(session)
    zone_ids = repo.ids_by(Zone, "name")
    university_ids = repo.ids_by(University, "name")
    pilot_date = next(z.source_date for z in data.zones() if z.is_pilot)
    by_zone: dict[str, list[programme_data.PairRow]] = {}
    for pair in programme_data.pairs():
        by_zone.setdefault(pair.zone, []).append(pair)
    counts = Counts()
    for zone_name, pairs in by_zone.items():
        zone_id = zone_ids[zone_name]
        before = find_pairing(session, zone_id, PILOT_BATCH.value)
        version_before = before.version if before is not None else None
        directions = list(
            dict.fromkeys(p.industry_direction for p in pairs if p.industry_direction)
        )
        sources = list(dict.fromkeys(p.source_url for p in pairs if p.source_url))
        dates = [p.source_date for p in pairs if p.source_date is not None]
        notes = [PILOT_LIST_NOTE]
        notes += [f"{p.university}：{p.note}" for p in pairs if p.note]
        if len(pairs) > 1:
            notes.append("来源未说明牵头高校")
        pairing = create_or_update_pairing(
            session,
            actor,
            zone_id,
            [university_ids[p.university] for p in pairs],
            PILOT_BATCH,
            start_date=pilot_date,
            status=PairingStatus.ACTIVE if before is None else None,
            industry_direction="；".join(directions) or None,
            source_url=sources[0] if sources else None,
            source_date=max(dates) if dates else None,
            # Notes are people's to edit once the pairing exists.
            note="；".join(notes) if before is None else None,
        )
        if before is None:
            counts.created += 1
        elif pairing.version != version_before:
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts


def load_programme_facts(session: Session, actor: Actor) -> Counts:
    repo = ReferenceRepository(session)
    zone_ids = repo.ids_by(Zone, "name")
    university_ids = repo.ids_by(University, "name")
    existing = {
        (f.scope, f.kind, f.name): f
        for f in repo.all_rows(ProgrammeFact, selectinload(ProgrammeFact.links))
    }
    counts = Counts()
    for row in programme_data.pair_facts():
        values: dict[str, Any] = {
            "zone_id": zone_ids.get(row.scope),
            "universities": row.universities,
            "figure": row.figure,
            "unit": row.unit,
            "fact_date": row.fact_date,
            "source_url": row.source_url,
            "note": row.note,
        }
        wanted_ids = sorted({university_ids[n] for n in row.university_names})
        fact = existing.get((row.scope, row.kind, row.name))
        if fact is None:
            fact = ProgrammeFact(scope=row.scope, kind=row.kind, name=row.name, **values)
            fact.links = [ProgrammeFactUniversity(university_id=uid) for uid in wanted_ids]
            session.add(fact)
            counts.created += 1
            continue
        changed = False
        for name, value in values.items():
            if _differs(getattr(fact, name), value):
                setattr(fact, name, value)
                changed = True
        if sorted(link.university_id for link in fact.links) != wanted_ids:
            fact.links = [ProgrammeFactUniversity(university_id=uid) for uid in wanted_ids]
            changed = True
        if changed:
            fact.version += 1
            counts.updated += 1
        else:
            counts.unchanged += 1
    session.flush()
    return counts


def load_policy_items(session: Session, actor: Actor) -> Counts:
    rows = [
        {
            "list_kind": PolicyListKind(p.list_kind).value,
            "no": p.no,
            "title": p.title,
            "issuer": p.issuer,
            "issued_date": p.issued_date,
            "summary": p.summary,
            "applies_to": p.applies_to,
            "audience_roles": p.audience_roles,
            "org_kinds": p.org_kinds,
            "conditions": p.conditions,
            "source_url": p.source_url,
        }
        for p in programme_data.policy_items()
    ]
    fields = Fields(
        sync=(
            "title",
            "issuer",
            "issued_date",
            "summary",
            "applies_to",
            "audience_roles",
            "org_kinds",
            "conditions",
            "source_url",
        )
    )
    return upsert(session, PolicyItem, ("list_kind", "no"), rows, fields)


@dataclass(frozen=True)
class Step:
    key: str  # register name, used as the audit entity
    label: str
    run: Callable[[Session, Actor], Counts]


STEPS: tuple[Step, ...] = (
    Step("industries", "国民经济行业分类", load_industries),
    Step("disciplines", "学科专业目录", load_disciplines),
    Step("universities", "高校", load_universities),
    Step("zones", "高新区", load_zones),
    Step("pairings", "首批试点结对", load_pairings),
    Step("programme_facts", "试点公开信息", load_programme_facts),
    Step("policy_items", "政策与改革清单", load_policy_items),
)


def load_reference(
    session: Session,
    actor: Actor,
    *,
    on_step: Callable[[Step, Counts], None] | None = None,
) -> LoadReport:
    """Run every step in one unit of work (the caller commits). Audits each kind that changed."""
    # Every check runs before the first write, so a refused load writes nothing.
    check_programme_files()
    check_universities(session)
    report = LoadReport()
    for step in STEPS:
        counts = step.run(session, actor)
        report.steps[step.key] = counts
        report.labels[step.key] = step.label
        if counts.changed and step.key != "pairings":  # the pairings service audits each pairing
            audit.record(
                session,
                actor,
                "reference_load",
                step.key,
                summary=f"载入参考数据（{step.label}）：{counts.summary()}",
                after={"created": counts.created, "updated": counts.updated},
            )
        if on_step is not None:
            on_step(step, counts)
    session.flush()
    return report
