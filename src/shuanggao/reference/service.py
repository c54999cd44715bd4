"""Use cases on the reference classifications: code checks, paths, search and classifier labels.

``validate_*`` take a session: the database is what users' records refer to. ``industry_path``
and the label sets read the shipped files (``reference.data``), so the matching classifier can
build its labels without a database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.errors import NotFound
from shuanggao.reference import data
from shuanggao.reference.enums import DisciplineKind, IndustryLevel
from shuanggao.reference.models import Discipline, Industry
from shuanggao.reference.repository import ReferenceRepository

_INDUSTRY_CODE = re.compile(r"^(?P<section>[A-T])?(?P<digits>\d{2,4})?$")


def _split_industry_code(code: str) -> tuple[str | None, str] | None:
    """``C3841`` → ("C", "3841"); ``3841`` → (None, "3841"); ``C`` → ("C", "C")."""
    match = _INDUSTRY_CODE.match(code.strip().upper())
    if match is None or not code.strip():
        return None
    section, digits = match.group("section"), match.group("digits")
    if digits is None:
        return section, section
    return section, digits


def normalize_industry_code(code: str) -> str | None:
    """The standard's own code (``3841``, ``C``) of a code given as ``C3841``/``3841``/``c``."""
    parts = _split_industry_code(code)
    return parts[1] if parts else None


def validate_industry_codes(session: Session, codes: Iterable[str]) -> list[str]:
    """The given codes that are not GB/T 4754-2017 nodes, in the order given.

    Codes are accepted with or without the 门类 letter (``C3841`` or ``3841``); with the letter,
    it must be the node's own 门类 (``A3841`` is unknown).
    """
    given = list(codes)
    split = {code: _split_industry_code(code) for code in given}
    wanted = {parts[1] for parts in split.values() if parts is not None}
    sections = ReferenceRepository(session).industry_sections_of(wanted)
    unknown: list[str] = []
    for code in given:
        parts = split[code]
        if parts is None or parts[1] not in sections:
            unknown.append(code)
            continue
        letter, std = parts
        if letter is not None and sections[std] != letter:
            unknown.append(code)
    return unknown


def validate_discipline_codes(
    session: Session, codes: Iterable[str], *, allow_categories: bool = False
) -> list[str]:
    """The given codes that are not 一级学科 or 专业学位类别 of the 2022 catalogue (nor 学科门类,
    when ``allow_categories``), in the order given."""
    given = list(codes)
    cleaned = {code: code.strip() for code in given}
    pattern = re.compile(r"^\d{2}(\d{2})?$" if allow_categories else r"^\d{4}$")
    known = ReferenceRepository(session).discipline_codes_in(
        {c for c in cleaned.values() if pattern.match(c)}
    )
    return [code for code in given if cleaned[code] not in known]


def industry_path(code: str) -> list[data.IndustryNode]:
    """The nodes from the 门类 down to ``code`` (``C3841`` → C, 38, 384, 3841); [] if unknown."""
    std = normalize_industry_code(code)
    nodes = data.industries_by_code()
    node = nodes.get(std) if std else None
    if node is None:
        return []
    section, _ = _split_industry_code(code) or (None, "")
    if section is not None and section != node.section:
        return []
    path = [node]
    while node.parent_code is not None:
        node = nodes[node.parent_code]
        path.append(node)
    return list(reversed(path))


def get_industry_by_code(session: Session, actor: Actor, code: str) -> Industry:
    std = normalize_industry_code(code)
    found = ReferenceRepository(session).industry_by_code(std) if std else None
    if found is None or validate_industry_codes(session, [code]):
        raise NotFound("没有这个国民经济行业代码。")
    return found


def industry_path_records(session: Session, code: str) -> list[Industry]:
    """The loaded records along ``industry_path(code)``."""
    codes = [node.code for node in industry_path(code)]
    found = {i.code: i for i in ReferenceRepository(session).industries_by_codes(codes)}
    return [found[c] for c in codes if c in found]


def _is_subsequence(needle: str, haystack: str) -> bool:
    chars = iter(haystack)
    return all(ch in chars for ch in needle)


def _industry_score(node: Industry, q: str) -> int:
    """Rank for pickers: the code, then the name, then key products, then the 说明 text."""
    text = q.strip().upper()
    score = 0
    if text in (node.code, node.full_code):
        score += 1000
    if q in node.name:
        score += 500
    elif _is_subsequence(q, node.name):
        # 锂电池 → 锂离子电池制造: the name holds the query's characters in order.
        score += 200
    if any(q in product for product in node.key_products):
        score += 100
    score += 10 * min((node.keywords or "").count(q), 5)
    if node.level == IndustryLevel.CLASS:
        score += 5
    return score


def search_industries(
    session: Session,
    actor: Actor,
    q: str,
    *,
    level: IndustryLevel | None = None,
    limit: int = 20,
) -> list[Industry]:
    """For code pickers: nodes matching ``q`` in code, name, 说明, paths or key products, the
    best first (code, then name matches, then products and 说明; 小类 before broader nodes)."""
    q = q.strip()
    if not q:
        return []
    limit = min(max(limit, 1), 100)
    found = ReferenceRepository(session).industries_matching(
        q, level=level.value if level else None
    )
    ranked = sorted(found, key=lambda node: (-_industry_score(node, q), node.id))
    return ranked[:limit]


def get_discipline_by_code(session: Session, actor: Actor, code: str) -> Discipline:
    found = ReferenceRepository(session).discipline_by_code(code.strip())
    if found is None:
        raise NotFound("没有这个学科代码。")
    return found


# ---------------------------------------------------------------- classifier labels


@dataclass(frozen=True)
class Label:
    """A class for the matching classifier: its code, name and the text that describes it."""

    code: str
    name: str
    text: str


def industry_labels(level: IndustryLevel = IndustryLevel.CLASS) -> list[Label]:
    """GB/T 4754 nodes of one level (default the 1,382 小类). ``code`` has the 门类 letter
    (``C3841``); ``text`` joins the name, the included 说明, 战略性新兴产业 paths and products."""
    labels: list[Label] = []
    for node in data.industries():
        if node.level is not level:
            continue
        parts = [node.name]
        if node.keywords:
            parts.append(node.keywords)
        labels.append(Label(code=node.full_code, name=node.name, text="\n".join(parts)))
    return labels


def emerging_labels() -> list[Label]:
    """战略性新兴产业(2018) categories as reached through GB/T 4754 小类: ``code`` is the path
    (``新能源汽车产业 > 新能源汽车装置、配件制造 > 新能源汽车储能装置制造``; the source has no
    numeric codes), ``name`` its last step, ``text`` the products and the 小类 names under it."""
    texts: dict[str, list[str]] = {}
    for node in data.industries():
        for c in node.classifications:
            if c["tag"] != "strategic":
                continue
            parts = texts.setdefault(c["path"], [])
            for part in (node.name, *c["products"]):
                if part not in parts:
                    parts.append(part)
    return [
        Label(code=path, name=path.rsplit(" > ", 1)[-1], text="\n".join([path, *parts]))
        for path, parts in texts.items()
    ]


def discipline_labels(
    kinds: Iterable[DisciplineKind] = (DisciplineKind.ACADEMIC,),
) -> list[Label]:
    """Entries of the 2022 catalogue (default the 117 一级学科); ``text`` is the name, the 门类
    name and the note (e.g. 可授工学、理学学位)."""
    wanted = {k.value for k in kinds}
    entries = data.disciplines()
    category_names = {d.code: d.name for d in entries if d.kind == DisciplineKind.CATEGORY}
    labels: list[Label] = []
    for entry in entries:
        if entry.kind not in wanted:
            continue
        parts = [entry.name]
        if entry.parent_code:
            parts.append(category_names[entry.parent_code])
        if entry.note:
            parts.append(entry.note)
        labels.append(Label(code=entry.code, name=entry.name, text="\n".join(parts)))
    return labels
