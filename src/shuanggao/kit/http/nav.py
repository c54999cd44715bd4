"""The left navigation, grouped by area and filtered by the actor's role.

Every register gets an item (its list page) unless its policy shows the actor nothing. Pages
of their own (the dashboard, account pages, the matches map) are listed in ``web/routes.py``
(``NAV_ITEMS``), which ``create_app`` puts on ``app.state.nav_items``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy.sql.elements import False_

from shuanggao.actor import Actor, Role
from shuanggao.kit.register import Register, all_registers


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str


GROUPS: tuple[NavGroup, ...] = (
    NavGroup("work", "工作台"),
    NavGroup("basics", "基础信息"),
    NavGroup("pairing", "结对协同"),
    NavGroup("supply", "供需对接"),
    NavGroup("reports", "数据填报"),
    NavGroup("reference", "参考目录"),
    NavGroup("system", "系统管理"),
    NavGroup("other", "其他"),
)

# Which group a register's list page sits in, by register name. Unknown registers go by the
# keyword hints below, else to "other".
REGISTER_GROUPS: dict[str, str] = {
    "zones": "basics",
    "universities": "basics",
    "enterprises": "basics",
    "pairings": "pairing",
    "pilot_elements": "pairing",
    "five_one_items": "pairing",
    "projects": "pairing",
    "platforms": "pairing",
    "consortia": "pairing",
    "residents": "pairing",
    "enterprise_services": "pairing",
    "funds": "pairing",
    "conversion_funds": "pairing",
    "fund_investments": "pairing",
    "fundings": "pairing",
    "funding": "pairing",
    "programme_facts": "pairing",
    "supply_items": "supply",
    "demands": "supply",
    "industry_chains": "supply",
    "chain_nodes": "supply",
    "conflict_declarations": "supply",
    "periodic_reports": "reports",
    "reports": "reports",
    "industries": "reference",
    "disciplines": "reference",
    "policy_items": "reference",
}

# Keywords for registers not listed above.
_GROUP_HINTS: tuple[tuple[str, str], ...] = (
    ("report", "reports"),
    ("supply", "supply"),
    ("demand", "supply"),
    ("match", "supply"),
    ("industr", "reference"),
    ("discipline", "reference"),
    ("policy", "reference"),
    ("fund", "pairing"),
    ("pairing", "pairing"),
    ("pilot", "pairing"),
)


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    group: str = "other"
    # None: every signed-in role; otherwise only these roles.
    roles: frozenset[Role] | None = None
    # Active when the request path starts with this prefix (defaults to ``href``).
    prefix: str | None = None
    order: int = 100
    extra: dict[str, Any] = field(default_factory=dict)

    def visible_to(self, actor: Actor) -> bool:
        return self.roles is None or actor.role in self.roles

    def is_active(self, path: str) -> bool:
        prefix = self.prefix or self.href
        if prefix == "/":
            return path == "/"
        return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def register_group(name: str) -> str:
    if name in REGISTER_GROUPS:
        return REGISTER_GROUPS[name]
    for hint, group in _GROUP_HINTS:
        if hint in name:
            return group
    return "other"


def register_visible(reg: Register[Any], actor: Actor) -> bool:
    """False when the register's policy shows this actor nothing at all."""
    if not actor.reads_programme:
        return False
    return not isinstance(reg.policy.read_filter(actor), False_)


def register_href(reg: Register[Any]) -> str:
    return f"/r/{reg.name}"


def _register_items(actor: Actor) -> Iterable[NavItem]:
    known = list(REGISTER_GROUPS)
    for n, reg in enumerate(all_registers()):
        if register_visible(reg, actor):
            group = register_group(reg.name)
            rank = known.index(reg.name) if reg.name in known else len(known) + n
            yield NavItem(reg.label, register_href(reg), group=group, order=200 + 10 * rank)


# What the security administrator (三权分立) may reach: accounts, its own account, its share of
# the audit trail (the accounts middleware answers 403 everywhere else).
SECURITY_ADMIN_PATHS = (
    "/api/v1/auth/",
    "/api/v1/users",
    "/api/v1/audit",
    "/api/v1/me/",
    "/account/",
    "/users",
    "/audit",
    "/login",
    "/logout",
)


def security_admin_may_reach(path: str) -> bool:
    return path == "/" or path.startswith(SECURITY_ADMIN_PATHS)


def nav_for(request: Request, actor: Actor | None) -> list[dict[str, Any]]:
    """``[{"label": group label, "items": [{"label", "href", "active"}]}]`` for the sidebar."""
    if actor is None:
        return []
    path = request.url.path
    extra: Iterable[NavItem] = getattr(request.app.state, "nav_items", ())
    items = [i for i in extra if i.visible_to(actor)]
    items.extend(_register_items(actor))
    if not actor.reads_programme:
        items = [i for i in items if security_admin_may_reach(i.href)]
    # The most specific active item wins (``/r/demands/3/matches`` under a matches page).
    active = max(
        (i for i in items if i.is_active(path)),
        key=lambda i: len(i.prefix or i.href),
        default=None,
    )
    out: list[dict[str, Any]] = []
    for group in GROUPS:
        members = sorted((i for i in items if i.group == group.key), key=lambda i: i.order)
        if not members:
            continue
        out.append(
            {
                "key": group.key,
                "label": group.label,
                "items": [
                    {"label": i.label, "href": i.href, "active": i is active} for i in members
                ],
            }
        )
    return out


def tenant_name(request: Request, actor: Actor | None) -> str | None:
    """The name of the zone, university or enterprise the actor belongs to (for the top bar)."""
    if actor is None:
        return None
    cached = getattr(request.state, "tenant_name", None)
    if cached is not None:
        return str(cached) or None
    from shuanggao.errors import NotFound
    from shuanggao.kit import service
    from shuanggao.kit.register import get_register

    name = ""
    for reg_name, tenant_id in (
        ("zones", actor.zone_id),
        ("universities", actor.university_id),
        ("enterprises", actor.enterprise_id),
    ):
        if tenant_id is None:
            continue
        try:
            reg = get_register(reg_name)
        except KeyError:
            continue
        factory = request.app.state.session_factory
        with factory() as session:
            try:
                obj = service.get_record(session, Actor.system(), reg, tenant_id)
            except NotFound:
                break
            name = reg.title_of(obj)
        break
    request.state.tenant_name = name
    return name or None
