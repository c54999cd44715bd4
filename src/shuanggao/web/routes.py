"""The app's whole web surface, listed in one file (as Polar's ``server/polar/api.py`` lists its
routers): API routers, page routers, the middleware installers, page hooks of the generic
register pages, navigation items and home panels.

Nothing is found by scanning packages and no module changes a shared table when imported: a new
page or router is added here, so a reader sees everything the app serves in one place. The
registers (``/api/v1/<name>`` and ``/r/<name>``) are listed in ``shuanggao/domains.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, FastAPI

from shuanggao.accounts import admin_pages as accounts_admin_pages
from shuanggao.accounts import api as accounts_api
from shuanggao.accounts import consent_pages as accounts_consent
from shuanggao.accounts import install as accounts_install
from shuanggao.accounts import pages as accounts_pages
from shuanggao.actor import Role
from shuanggao.audit.service import AUDIT_READERS
from shuanggao.briefing import pages as briefing_pages
from shuanggao.briefing import service as briefing_service
from shuanggao.chains import api as chains_api
from shuanggao.conflicts import pages as conflicts_pages
from shuanggao.demand import api as demand_api
from shuanggao.demand import pages as demand_pages
from shuanggao.demand import registers as demand_registers
from shuanggao.demandmap import api as demandmap_api
from shuanggao.demandmap import pages as demandmap_pages
from shuanggao.enterprises import api as enterprises_api
from shuanggao.events import api as events_api
from shuanggao.events import pages as events_pages
from shuanggao.imports import api as imports_api
from shuanggao.kit.http.bodylimit import BodyLimitMiddleware
from shuanggao.kit.http.nav import NavItem
from shuanggao.matches import api as matches_api
from shuanggao.matches import group_api as matches_group_api
from shuanggao.matches import group_pages as matches_group_pages
from shuanggao.matches import pages as matches_pages
from shuanggao.matches import panels as matches_panels
from shuanggao.matches import service as matches_service
from shuanggao.matches import triage_api as matches_triage_api
from shuanggao.matches import triage_pages as matches_triage_pages
from shuanggao.mentoring import api as mentoring_api
from shuanggao.mentoring import pages as mentoring_pages
from shuanggao.mentoring import panels as mentoring_panels
from shuanggao.pairings import api as pairings_api
from shuanggao.pipeline import api as pipeline_api
from shuanggao.pipeline import pages as pipeline_pages
from shuanggao.planner import api as planner_api
from shuanggao.planner import pages as planner_pages
from shuanggao.privacy import pages as privacy_pages
from shuanggao.programme import api as programme_api
from shuanggao.programme import pages as programme_pages
from shuanggao.programme import panels as programme_panels
from shuanggao.reference import api as reference_api
from shuanggao.reports import api as reports_api
from shuanggao.reports import pages as reports_pages
from shuanggao.reports import panels as reports_panels
from shuanggao.web import audit_api, audit_pages, dashboard, home, pages, repository, transfer
from shuanggao.web.hooks import PageHooks

# Domain endpoints under /api/v1, mounted before the generic register routes so that they win
# over ``/{name}/{id}``.
API_ROUTERS: tuple[APIRouter, ...] = (
    accounts_api.router,
    accounts_consent.api_router,
    privacy_pages.api_router,
    audit_api.router,
    chains_api.router,
    demand_api.router,
    demandmap_api.router,
    enterprises_api.router,
    events_api.router,
    imports_api.router,
    matches_api.router,
    matches_triage_api.router,
    matches_group_api.router,
    mentoring_api.router,
    pairings_api.router,
    pipeline_api.router,
    planner_api.router,
    programme_api.router,
    reference_api.router,
    reports_api.router,
)

# HTML pages, in order: a domain's own page wins over a generic one on the same path.
PAGE_ROUTERS: tuple[APIRouter, ...] = (
    accounts_pages.router,
    accounts_admin_pages.router,
    accounts_consent.router,
    privacy_pages.router,
    conflicts_pages.router,
    demand_pages.router,
    demandmap_pages.router,
    events_pages.router,
    matches_pages.router,
    matches_triage_pages.router,
    matches_group_pages.router,
    mentoring_pages.router,
    pipeline_pages.router,
    planner_pages.router,
    briefing_pages.router,
    programme_pages.router,
    reports_pages.router,
    transfer.router,
    pages.router,
    dashboard.router,
    audit_pages.router,
)


def install_body_limit(app: FastAPI) -> None:
    """Body caps for every route (inside the accounts middleware, which is added after it)."""
    app.add_middleware(BodyLimitMiddleware)


def install_matching_after_save(app: FastAPI) -> None:
    """A demand saved through the app is matched in the background (after commit), so
    新的匹配推荐 fills at once."""
    hooks = demand_registers.demands.after_save
    if matches_service.queue_matching not in hooks:
        hooks.append(matches_service.queue_matching)


# Middleware and start-up work, each ``install(app)``, in order, after the routers are mounted.
# A middleware added later wraps the ones added before it.
INSTALLERS: tuple[Callable[[FastAPI], None], ...] = (
    install_body_limit,
    accounts_install.install,
    install_matching_after_save,
)


def _links(label: str, path: str) -> Callable[[Any], list[tuple[str, str]]]:
    """A detail page button: ``path`` with the record's ``{id}``."""

    def links(obj: Any) -> list[tuple[str, str]]:
        return [(label, path.format(id=obj.id))]

    return links


# Tweaks of the generic register pages, by register name (``web/hooks.py`` says what each does).
PAGE_HOOKS: Mapping[str, PageHooks] = {
    "pairings": PageHooks(
        list_fields=("zone_id", "university_ids", "batch", "status", "start_date"),
        detail_links=_links("“五个一”看板", "/pairings/{id}/board"),
        options=repository.pairing_options,
    ),
    "zones": PageHooks(
        detail_links=lambda obj: [
            ("数说双高协同", f"/dashboard/zones/{obj.id}"),
            ("产业需求图谱", f"/zones/{obj.id}/chains"),
        ]
    ),
    "universities": PageHooks(
        detail_links=_links("供给落点与学科缺口", "/universities/{id}/chains")
    ),
    "industry_chains": PageHooks(
        detail_links=lambda obj: [("产业链图谱", f"/zones/{obj.zone_id}/chains?chain_id={obj.id}")]
    ),
    "chain_nodes": PageHooks(
        list_fields=("name", "chain_id", "position", "industry_codes", "zone_id"),
        detail_links=_links("环节详情", "/chain_nodes/{id}/panel"),
    ),
    "demands": PageHooks(
        list_fields=(
            "title",
            "enterprise_id",
            "zone_id",
            "cooperation_mode",
            "visibility",
            "triage_state",
            "deadline_date",
        ),
        detail_links=_links("匹配结果", "/demands/{id}/matches"),
        detail_template="demand/_detail_extra.html",
    ),
    "projects": PageHooks(detail_template="projects/_origin.html"),
    "supply_items": PageHooks(
        list_fields=("title", "university_id", "kind", "owner_name", "maturity", "is_public"),
        detail_links=_links("匹配需求", "/supply_items/{id}/matches"),
    ),
}

# Who has collaborations to see (``pipeline.policy.read_filter``): not students or mentors.
PIPELINE_READERS = frozenset(Role) - {Role.STUDENT, Role.MENTOR}

# Navigation entries of pages that are not a register's list (every visible register gets one).
NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("首页", "/", group="work", order=0),
    NavItem("数说双高协同", "/dashboard", group="work", order=10, prefix="/dashboard"),
    NavItem(
        "按期填报",
        "/reports",
        group="work",
        order=11,
        prefix="/reports",
        roles=frozenset(
            {Role.PROVINCE_ADMIN, Role.AUDITOR, Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN}
        ),
    ),
    # Right after the 五个一 items register (order 200 + 10 × its place in REGISTER_GROUPS).
    NavItem("“五个一”总览", "/dashboard/boards", group="pairing", order=245),
    NavItem(
        "“五个一”与任务推进",
        "/progress",
        group="pairing",
        order=246,
        roles=briefing_service.READERS,
    ),
    NavItem("工作简报", "/briefing", group="work", order=12, roles=briefing_service.READERS),
    NavItem("政策与改革", "/policies", group="work", order=40),
    NavItem("供需匹配图谱", "/matches/map", group="supply", order=30),
    NavItem("产业需求图谱", "/chainmap", group="supply", order=31),
    NavItem("校企对接会", "/events", group="supply", order=35, prefix="/events"),
    NavItem("双导师实践", "/mentoring", group="work", order=20, prefix="/mentoring"),
    NavItem(
        "需求梳理",
        "/triage",
        group="supply",
        order=31,
        roles=frozenset({Role.ZONE_ADMIN, Role.PROVINCE_ADMIN, Role.AUDITOR}),
        prefix="/triage",
    ),
    NavItem(
        "结对规划",
        "/planner",
        group="pairing",
        order=250,
        roles=frozenset({Role.PROVINCE_ADMIN, Role.AUDITOR}),
    ),
    NavItem(
        "结对推荐",
        "/planner/mine",
        group="pairing",
        order=251,
        roles=frozenset({Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN}),
    ),
    NavItem(
        "合作对接",
        "/pipeline",
        group="supply",
        order=35,
        prefix="/pipeline",
        roles=PIPELINE_READERS,
    ),
    NavItem("对接漏斗", "/pipeline/funnel", group="work", order=11, roles=PIPELINE_READERS),
    NavItem(
        "我的利益冲突声明",
        "/conflicts/mine",
        group="supply",
        order=40,
        roles=frozenset({Role.RESEARCHER, Role.MENTOR}),
    ),
    NavItem("审计日志", "/audit", group="system", roles=frozenset(AUDIT_READERS), order=10),
    NavItem("账号管理", "/users", group="system", roles=accounts_admin_pages.MANAGERS, order=20),
    NavItem("修改密码", "/account/password", group="system", order=80),
    NavItem("我的个人信息", "/account/privacy", group="system", order=85),
    NavItem("身份验证器", "/account/totp", group="system", order=90),
)

# The home page's panels: the web package's own and the domains'.
HOME_PANELS: tuple[home.HomePanel, ...] = (
    *home.PANELS,
    home.HomePanel(
        "new_matches",
        "新的匹配推荐",
        matches_panels.OWNERS,
        matches_panels.new_matches_panel,
        order=12,
    ),
    home.HomePanel(
        "report_reminders",
        "填报提醒",
        reports_panels.OWNERS,
        reports_panels.reminders_panel,
        order=5,
    ),
    home.HomePanel(
        "mentoring_tasks",
        "双导师实践待办",
        mentoring_panels.OWNERS,
        mentoring_panels.tasks_panel,
        order=6,
    ),
    home.HomePanel(
        "policies",
        "适用于您的政策与改革",
        programme_panels.READERS,
        programme_panels.policies_panel,
        order=40,
    ),
)
