"""The personal-information inventory (PIPL 6, 19, 51; checklist PI-01, PI-02).

Every column that holds personal information is declared once in ``INVENTORY``: its category,
purpose, legal basis, retention, who may see it in full and how it is masked for everyone else.
The kit applies it wherever rows leave the server — the register API (``Register.present``),
register pages, exports — and the audit trail masks the same fields (``audit.service.sanitize``).
``tests/kit/test_personal.py`` walks every register and role and fails on a personal column that
is not declared here or a full value shown to a role not allowed to see it.

Who sees a field in full: a role in ``full_roles``; with ``keepers_only`` also only on rows the
actor may modify (the enterprise's own users, the zone that keeps it) — the register's policy
decides. Everyone else who may read the row sees ``mask(value)``. Fields a register hides
altogether from a reader (``Register.hidden_fields``) stay hidden.

No national standard fixes a masking pattern (GB/T 35273 only says displayed PI should be
de-identified); phones show the first 3 and last 4 digits (``138****5678``), ID numbers the
first 3 and last 4 (``320***********1234``), names the surname (``张*``).

Consent (PIPL 13(1), 14–15; checklist PI-03): where the basis of showing a field to a reader is
the person's own consent, the field names the ``purpose`` and the column holding the person's
account (``subject``). Readers in ``CONSENT_READERS`` (enterprise users: a researcher's profile,
a student's practice record) see the value only while that account's latest decision for the
purpose is a grant; otherwise ``withheld(...)`` is true and they see ``pf.instead``
(“某专家（未授权展示）”). The same rule serves the register API, pages and exports
(``Register.shown_instead``) and the views that are not registers (match results, event
meetings, collaborations, practice projects) through ``shown`` / ``consents``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import column, select, table, true
from sqlalchemy.orm import Session, object_session

from shuanggao.actor import Actor, Role

ALL_ROLES = frozenset(Role)


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``; other lengths keep 3 leading and 4 trailing digits."""
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    if len(digits) < 8:
        return "*" * len(value)
    hide = set(digits[3:-4])
    return "".join("*" if i in hide else ch for i, ch in enumerate(value))


def mask_id_number(value: str) -> str:
    """``320102199001011234`` → ``320***********1234``."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_text(value: str) -> str:
    """Free text (a reason typed by a person) is not shown in part: ``******``."""
    return "*" * 6 if value else value


def mask_name(value: str) -> str:
    """``张三丰`` → ``张**``; a Latin name keeps its first letter."""
    value = value.strip()
    if len(value) <= 1:
        return value
    return value[0] + "*" * (len(value) - 1)


@dataclass(frozen=True, slots=True)
class PersonalField:
    table: str
    field: str
    category: str  # 个人信息类别
    purpose: str  # 处理目的
    legal_basis: str  # 处理依据（PIPL 第 13 条）
    retention: str  # 保存期限
    full_roles: frozenset[Role]
    mask: Callable[[str], str]
    keepers_only: bool = False
    sensitive: bool = False  # 敏感个人信息 (PIPL 28; ID numbers per GB/T 35273)
    # Shown to ``CONSENT_READERS`` only with the person's consent to ``consent`` (a purpose);
    # ``subject`` is the row's column holding the person's account id.
    consent: str | None = None
    subject: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.table, self.field)


DUTY = "履行法定职责（PIPL 第 13 条第 1 款第 3 项：省科技厅双高协同工作）"
CONTRACT = "订立、履行个人作为一方当事人的合同所必需（PIPL 第 13 条第 1 款第 2 项）"
HR = "按照依法制定的劳动规章制度和集体合同实施人力资源管理所必需（PIPL 第 13 条第 1 款第 2 项）"
PROGRAMME = "双高协同计划期内及结束后 3 年"
ACCOUNT = "账号存续期间；注销后 6 个月"
CONSENT = "取得个人同意（PIPL 第 13 条第 1 款第 1 项；可随时撤回）"

# Purposes whose basis is the person's consent (``accounts.consent`` records the decisions; the
# names fit ``consent_record.purpose``, 20 characters).
PROFILE_TO_ENTERPRISES = "profile_enterprises"  # a researcher's profile shown to enterprises
# A student's practice record shared with the enterprise mentor.
PRACTICE_TO_MENTOR = "practice_mentor"
# Who reads a consent-based field only with the consent: the enterprise side.
CONSENT_READERS = frozenset({Role.ENTERPRISE_USER})
# What such a reader sees instead of a researcher's name.
UNSHOWN_RESEARCHER = "某专家（未授权展示）"
UNSHOWN_STUDENT = "某学生（未授权共享）"

# A demand's triage reasons: its owners (the zone, the enterprise) and those above; the demand
# register hides them from everyone else (``demand.policy.owner_hidden``), so a role listed here
# sees them in full only on the demands it owns.
OWNERS_AND_ABOVE = frozenset(
    {Role.ZONE_ADMIN, Role.ENTERPRISE_USER, Role.PROVINCE_ADMIN, Role.AUDITOR}
)

INVENTORY: tuple[PersonalField, ...] = (
    PersonalField(
        "enterprise", "contact_person", "基本个人信息（姓名）",
        "高新区联系企业、组织对接", DUTY, PROGRAMME,
        full_roles=ALL_ROLES, mask=mask_name,
    ),
    PersonalField(
        "enterprise", "phone", "个人通信信息（手机号码）",
        "高新区联系企业联系人", DUTY, PROGRAMME,
        full_roles=frozenset({Role.ZONE_ADMIN, Role.ENTERPRISE_USER}),
        mask=mask_phone, keepers_only=True,
    ),
    PersonalField(
        "demand", "contact_person", "基本个人信息（姓名）",
        "需求对接时联系企业", DUTY, PROGRAMME,
        full_roles=ALL_ROLES, mask=mask_name,
    ),
    PersonalField(
        "demand", "phone", "个人通信信息（手机号码）",
        "需求对接时联系企业联系人", DUTY, PROGRAMME,
        full_roles=frozenset({Role.ZONE_ADMIN, Role.ENTERPRISE_USER}),
        mask=mask_phone, keepers_only=True,
    ),
    PersonalField(
        "demand", "triage_note", "自由文本（梳理原因，可能含个人信息）",
        "告知企业需求需补充的内容、记录梳理决定", DUTY, PROGRAMME,
        full_roles=OWNERS_AND_ABOVE, mask=mask_text,
    ),
    PersonalField(
        "demand_triage", "triage_reason", "自由文本（梳理原因，可能含个人信息）",
        "保留需求梳理记录：谁在何时因何改变状态", DUTY, PROGRAMME,
        full_roles=OWNERS_AND_ABOVE, mask=mask_text,
    ),
    PersonalField(
        "supply_item", "owner_name", "基本个人信息（姓名）",
        "向企业展示成果负责人，促成对接", CONSENT, PROGRAMME,
        full_roles=ALL_ROLES, mask=mask_name,
        consent=PROFILE_TO_ENTERPRISES, subject="owner_user_id",
    ),
    PersonalField(
        "event_registration", "researcher_name", "基本个人信息（姓名）",
        "安排校企对接会洽谈、打印日程", CONSENT, PROGRAMME,
        full_roles=ALL_ROLES, mask=mask_name,
        consent=PROFILE_TO_ENTERPRISES, subject="researcher_user_id",
    ),
    PersonalField(
        "resident", "person_name", "基本个人信息（姓名）、教育工作信息",
        "统计驻区师生、核对驻区记录", HR, PROGRAMME,
        full_roles=ALL_ROLES, mask=mask_name,
    ),
    PersonalField(
        "practice_meeting", "attendees", "基本个人信息（姓名）、教育信息",
        "记录双导师指导会议（仅学生、两位导师及所在高校、高新区可见）", HR, PROGRAMME,
        full_roles=ALL_ROLES, mask=mask_name,
    ),
    # The student's education details and, with them, the whole practice record (plan,
    # milestones, progress reports, minutes, evidence: ``mentoring.views.record_withheld``) are
    # shared with the enterprise mentor only with the student's consent.
    PersonalField(
        "practice_project", "major", "教育工作信息（专业）",
        "双导师联合培养：与企业导师共享实践记录", CONSENT, PROGRAMME,
        full_roles=ALL_ROLES, mask=mask_name,
        consent=PRACTICE_TO_MENTOR, subject="student_user_id",
    ),
    PersonalField(
        "app_user", "display_name", "基本个人信息（姓名）",
        "识别账号、记录操作人", CONTRACT, ACCOUNT,
        full_roles=ALL_ROLES, mask=mask_name,
    ),
    # A declared tie may name a relative's firm or a shareholding: the register's policy lets
    # only the researcher, their university's administrators, the province and auditors read it.
    PersonalField(
        "conflict_declaration", "note", "个人财产信息、社会关系信息（利益冲突说明）",
        "识别并回避科研人员与企业之间的利益冲突", DUTY, PROGRAMME,
        full_roles=frozenset(
            {Role.PROVINCE_ADMIN, Role.AUDITOR, Role.UNIVERSITY_ADMIN, Role.RESEARCHER}
        ),
        mask=mask_name,
    ),
    PersonalField(
        "collaboration_step", "owner", "基本个人信息（姓名）",
        "记录合作对接各阶段的经办人", DUTY, PROGRAMME,
        full_roles=ALL_ROLES, mask=mask_name,
    ),
)  # fmt: skip

_BY_TABLE: dict[str, dict[str, PersonalField]] = {}
for _f in INVENTORY:
    if _f.field in _BY_TABLE.setdefault(_f.table, {}):
        raise RuntimeError(f"personal field {_f.table}.{_f.field} declared twice")
    _BY_TABLE[_f.table][_f.field] = _f


def fields_of(table: str) -> dict[str, PersonalField]:
    return _BY_TABLE.get(table, {})


# ``accounts.consent`` sits above this module: its table is named here (AGENTS.md rule 12;
# ``tests/test_personal.py`` checks the names against the model).
CONSENT_TABLE = table(
    "consent_record",
    column("user_id"),
    column("purpose"),
    column("granted"),
    column("withdrawn_at"),
)
_CACHE = "personal.consents"


def consents(session: Session, purpose: str) -> frozenset[int]:
    """Accounts whose current decision for ``purpose`` is a grant (read once per session;
    ``forget_consents`` after a decision, so a withdrawal holds for the next view at once)."""
    cache: dict[str, frozenset[int]] = session.info.setdefault(_CACHE, {})
    if purpose not in cache:
        c = CONSENT_TABLE.c
        stmt = select(c.user_id).where(
            c.purpose == purpose, c.granted == true(), c.withdrawn_at.is_(None)
        )
        cache[purpose] = frozenset(int(u) for u in session.scalars(stmt))
    return cache[purpose]


def consents_among(
    session: Session, purpose: str, user_ids: Iterable[int | None]
) -> frozenset[int]:
    """Those of ``user_ids`` whose current decision for ``purpose`` is a grant: one query for
    just these accounts (a page of results reads the decisions of the people it shows, not
    everyone's), or none when ``consents`` has read them all in this session already."""
    wanted = {int(u) for u in user_ids if u is not None}
    cached = session.info.get(_CACHE, {}).get(purpose)
    if cached is not None:
        return frozenset(wanted & cached)
    if not wanted:
        return frozenset()
    c = CONSENT_TABLE.c
    stmt = select(c.user_id).where(
        c.purpose == purpose,
        c.granted == true(),
        c.withdrawn_at.is_(None),
        c.user_id.in_(sorted(wanted)),
    )
    return frozenset(int(u) for u in session.scalars(stmt))


def shown_consents(
    session: Session, actor: Actor, table_name: str, field: str, objs: Iterable[Any]
) -> frozenset[int] | None:
    """For showing ``field`` of every one of ``objs`` to ``actor`` (``shown(..., granted=)``):
    the grants of the people they name, read in one query; None when the field is not
    consent-based for this actor (nothing to read)."""
    pf = fields_of(table_name)[field]
    if pf.consent is None or pf.subject is None or not gated(actor, pf.consent):
        return None
    subject = pf.subject
    return consents_among(session, pf.consent, (getattr(o, subject, None) for o in objs))


def forget_consents(session: Session) -> None:
    session.info.pop(_CACHE, None)


def gated(actor: Actor, purpose: str) -> bool:
    """``actor`` reads fields with this consent purpose only with the person's consent."""
    return not actor.is_system and actor.role in CONSENT_READERS and bool(purpose)


def consented(session: Session | None, purpose: str, user_id: int | None) -> bool:
    if session is None or user_id is None:
        return False
    return user_id in consents(session, purpose)


def withheld(
    pf: PersonalField,
    actor: Actor,
    obj: Any,
    session: Session | None = None,
    granted: Collection[int] | None = None,
) -> bool:
    """``pf`` of ``obj`` is not shown to ``actor``: consent-based, and the person has not given
    (or has withdrawn) it. ``granted``: the grants already read for the objects at hand
    (``shown_consents``); else they are read from ``session`` (or the object's)."""
    if pf.consent is None or pf.subject is None or not gated(actor, pf.consent):
        return False
    subject = getattr(obj, pf.subject, None)
    if granted is not None:
        return subject is None or subject not in granted
    session = session if session is not None else object_session(obj)
    return not consented(session, pf.consent, subject)


def instead_of(pf: PersonalField) -> str:
    return UNSHOWN_STUDENT if pf.consent == PRACTICE_TO_MENTOR else UNSHOWN_RESEARCHER


def shown(
    actor: Actor,
    table_name: str,
    field: str,
    obj: Any,
    granted: Collection[int] | None = None,
) -> Any:
    """The value of ``obj.field`` as ``actor`` may see it under the consent rule (for views
    that are not registers; registers do this in ``Register.shown_instead``). ``granted``: from
    ``shown_consents`` for the objects shown together (a plain row has no session)."""
    pf = fields_of(table_name)[field]
    if withheld(pf, actor, obj, granted=granted):
        return instead_of(pf)
    return getattr(obj, field, None)


def masked_field_names() -> frozenset[str]:
    """Column names whose values the audit trail masks (every non-name personal field)."""
    return frozenset(f.field for f in INVENTORY if f.mask is not mask_name)


def masked(pf: PersonalField, value: Any) -> Any:
    if isinstance(value, str) and value:
        return pf.mask(value)
    return value


def sees_in_full(pf: PersonalField, role: Role, may_modify: Callable[[], bool]) -> bool:
    if role not in pf.full_roles:
        return False
    return not pf.keepers_only or may_modify()


def masked_values_left(table: str, values: dict[str, Any]) -> list[str]:
    """Declared fields whose new value is still a masked form (``*``): never stored."""
    declared = fields_of(table)
    return [
        name
        for name, value in values.items()
        if name in declared
        and declared[name].mask is not mask_name
        and isinstance(value, str)
        and "*" in value
    ]


def is_masked_echo(table: str, field: str, old: Any, new: Any) -> bool:
    """``new`` is the masked form of ``old``: an export re-imported, a form sent back unchanged —
    not a new value (writing it would destroy the real one)."""
    pf = fields_of(table).get(field)
    if pf is None or not isinstance(old, str) or not old or old == new:
        return False
    return bool(masked(pf, old) == new)
