"""The home page: what needs the signed-in person's attention, by role.

Panels are built from the domain services (always scoped by the actor). A panel whose domain is
not installed, or that has nothing to say to this role, is hidden — never filled with made-up
numbers. The panels shown are listed in ``web/routes.py`` (``HOME_PANELS``: ``PANELS`` below
plus the domains' own, e.g. the matches domain's new matches).

``build`` returns the panel's context — for the default template ``{"items": [{"label", "href",
"meta", "badge"}], "total": N, "more_href": url, "empty": text}`` — or None to hide the panel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.kit import service as kit
from shuanggao.kit.http.nav import register_visible
from shuanggao.kit.register import Register, get_register

PanelBuilder = Callable[[Session, Actor], dict[str, Any] | None]
LIST_TEMPLATE = "home/_list_panel.html"
ITEMS_PER_PANEL = 6


@dataclass(frozen=True)
class HomePanel:
    key: str
    title: str
    roles: frozenset[Role]
    build: PanelBuilder
    template: str = LIST_TEMPLATE
    order: int = 100
    wide: bool = False


def _register(name: str, actor: Actor) -> Register[Any] | None:
    """The register if its domain is installed and the actor can see some of it."""
    try:
        reg = get_register(name)
    except KeyError:
        return None
    return reg if register_visible(reg, actor) else None


def _enum_label(reg: Register[Any], field: str, value: Any) -> str:
    from shuanggao.web.views import label_of

    return label_of(reg, field, value)


def record_list(
    session: Session,
    actor: Actor,
    name: str,
    filters: Mapping[str, Any],
    *,
    empty: str,
    meta: Callable[[Any], str] | None = None,
    badge: Callable[[Any], str] | None = None,
    sort: str | None = None,
    own: tuple[str, int | None] | None = None,
) -> dict[str, Any] | None:
    """A panel listing the first records of a register that match ``filters``.

    ``own=(attribute, tenant id)`` keeps only the actor's own rows among those it may read (a
    zone administrator also reads other zones' public needs, but triages its own).
    """
    reg = _register(name, actor)
    if reg is None:
        return None
    extra = []
    if own is not None:
        attr, tenant_id = own
        if tenant_id is None:
            return None
        extra.append(getattr(reg.model, attr) == tenant_id)
    page = kit.list_records(
        session,
        actor,
        reg,
        filters=dict(filters),
        sort=sort,
        page_size=ITEMS_PER_PANEL,
        extra=extra,
    )
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return {
        "total": page.total,
        "items": [
            {
                "label": reg.title_of(obj),
                "href": f"/r/{name}/{obj.id}",
                "meta": meta(obj) if meta else "",
                "badge": badge(obj) if badge else "",
            }
            for obj in page.items
        ],
        "more_href": f"/r/{name}?{query}" if query else f"/r/{name}",
        "empty": empty,
    }


# ---------------------------------------------------------------------------------------------
# Built-in panels
# ---------------------------------------------------------------------------------------------

ADMINS = frozenset({Role.PROVINCE_ADMIN, Role.AUDITOR})


def _reports_with_status(status: str, empty: str) -> PanelBuilder:
    """A panel of the periodic reports in ``status`` (submitted: to approve; draft: to submit)."""

    def build(session: Session, actor: Actor) -> dict[str, Any] | None:
        reg = _register("reports", actor)
        if reg is None:
            return None
        return record_list(
            session,
            actor,
            "reports",
            {"status": status},
            empty=empty,
            meta=lambda r: f"截至 {r.as_of_date:%Y-%m-%d}",
            badge=lambda r: _enum_label(reg, "status", r.status),
        )

    return build


_reports_to_approve = _reports_with_status("submitted", "没有待审核的填报。")
_reports_to_submit = _reports_with_status("draft", "没有未提交的填报草稿。")


def _elements_not_started(session: Session, actor: Actor) -> dict[str, Any] | None:
    reg = _register("pilot_elements", actor)
    if reg is None:
        return None
    return record_list(
        session,
        actor,
        "pilot_elements",
        {"status": "not_started"},
        empty="所有“五个一”事项都已启动。",
        meta=lambda e: f"{getattr(e, 'pairing_title', '')} · {_enum_label(reg, 'kind', e.kind)}",
        badge=lambda e: _enum_label(reg, "status", e.status),
    )


def _coverage(session: Session, actor: Actor) -> dict[str, Any] | None:
    try:
        from shuanggao.pairings import service as pairings
    except ModuleNotFoundError:
        return None
    from shuanggao.clock import today

    coverage = pairings.coverage(session, actor, today())
    return {"coverage": coverage}


def _demands_to_triage(session: Session, actor: Actor) -> dict[str, Any] | None:
    reg = _register("demands", actor)
    if reg is None:
        return None
    return record_list(
        session,
        actor,
        "demands",
        {"triage_state": "pending", **({"zone_id": actor.zone_id} if actor.zone_id else {})},
        empty="没有待梳理的需求。",
        badge=lambda d: _enum_label(reg, "triage_state", d.triage_state),
    )


def _own_demands(session: Session, actor: Actor) -> dict[str, Any] | None:
    reg = _register("demands", actor)
    if reg is None:
        return None
    return record_list(
        session,
        actor,
        "demands",
        {},
        empty="您还没有发布需求。",
        badge=lambda d: _enum_label(reg, "triage_state", d.triage_state),
        sort="-id",
        own=("enterprise_id", actor.enterprise_id),
    )


def _own_supply(session: Session, actor: Actor) -> dict[str, Any] | None:
    reg = _register("supply_items", actor)
    if reg is None:
        return None
    return record_list(
        session,
        actor,
        "supply_items",
        {"university_id": actor.university_id} if actor.university_id else {},
        empty="本校技术供给清单还没有条目。",
        sort="-id",
    )


def _pairing_boards(session: Session, actor: Actor) -> dict[str, Any] | None:
    reg = _register("pairings", actor)
    if reg is None:
        return None
    page = kit.list_records(session, actor, reg, page_size=ITEMS_PER_PANEL)
    return {
        "total": page.total,
        "items": [
            {"label": reg.title_of(p), "href": f"/pairings/{p.id}/board", "meta": "", "badge": ""}
            for p in page.items
        ],
        "more_href": "/r/pairings",
        "empty": "还没有结对。",
        "attention": False,
    }


def _match_feedback(session: Session, actor: Actor) -> dict[str, Any] | None:
    """How the recommendations the actor can see are moving: 推荐 → 已查看 → 有意向 / 不相关."""
    try:
        from shuanggao.matches import service as matches
        from shuanggao.matches.schemas import MatchState
    except ModuleNotFoundError:
        return None
    counts = matches.feedback_counts(session, actor)
    states = [
        {"key": s.value, "label": s.label, "count": counts.by_state.get(s.value, 0)}
        for s in MatchState
    ]
    side = "supply_items" if actor.university_id is not None else "demands"
    return {"total": counts.total, "states": states, "more_href": f"/r/{side}"}


PANELS: tuple[HomePanel, ...] = (
    HomePanel(
        "reports_to_approve",
        "待审核的填报",
        frozenset({Role.PROVINCE_ADMIN}),
        _reports_to_approve,
        order=10,
    ),
    HomePanel("coverage", "结对覆盖", ADMINS, _coverage, "home/_coverage_panel.html", order=20),
    HomePanel(
        "elements_not_started",
        "“五个一”未启动的事项",
        ADMINS,
        _elements_not_started,
        order=30,
    ),
    HomePanel(
        "demands_to_triage",
        "待梳理的产业需求",
        frozenset({Role.ZONE_ADMIN, Role.PROVINCE_ADMIN}),
        _demands_to_triage,
        order=15,
    ),
    HomePanel(
        "reports_to_submit",
        "待提交的填报",
        frozenset({Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN}),
        _reports_to_submit,
        order=40,
    ),
    HomePanel(
        "pairing_boards",
        "结对“五个一”看板",
        frozenset({Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN}),
        _pairing_boards,
        order=50,
    ),
    HomePanel("own_demands", "我的需求", frozenset({Role.ENTERPRISE_USER}), _own_demands, order=10),
    HomePanel(
        "match_feedback",
        "供需匹配进展",
        frozenset(
            {
                Role.PROVINCE_ADMIN,
                Role.ZONE_ADMIN,
                Role.UNIVERSITY_ADMIN,
                Role.ENTERPRISE_USER,
                Role.RESEARCHER,
            }
        ),
        _match_feedback,
        "home/_matches_panel.html",
        order=25,
    ),
    HomePanel(
        "own_supply",
        "本校技术供给清单",
        frozenset({Role.UNIVERSITY_ADMIN, Role.RESEARCHER, Role.MENTOR}),
        _own_supply,
        order=20,
    ),
)


def panels_for(session: Session, actor: Actor, panels: Iterable[HomePanel]) -> list[dict[str, Any]]:
    """The panels this actor sees, built, in order; hidden ones left out."""
    out: list[dict[str, Any]] = []
    for panel in sorted(panels, key=lambda p: (p.order, p.key)):
        if actor.role not in panel.roles:
            continue
        data = panel.build(session, actor)
        if data is None:
            continue
        out.append(
            {
                "key": panel.key,
                "title": panel.title,
                "template": panel.template,
                "wide": panel.wide,
                **data,
            }
        )
    return out
