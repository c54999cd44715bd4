"""数说双高协同: the programme's figures as of a date, drill-down province → city → zone →
pairing, trends, coverage against the 2027 target, and each pairing's 五个一 board.

The numbers come from the reports service (``compute_stats``/``compute_series``) and the
pairings service (``coverage``, ``get_board``) — the same ones behind ``/api/v1/stats``,
``/api/v1/stats/series``, ``/api/v1/coverage`` and ``/api/v1/pairings/{id}/board``, which the
charts read. Every chart has its data table beside it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, RedirectResponse, Response

from shuanggao.actor import Actor, Role
from shuanggao.clock import today
from shuanggao.errors import NotFound
from shuanggao.kit import service as kit
from shuanggao.kit.http.deps import SessionDep
from shuanggao.kit.http.templating import PageActor, render
from shuanggao.kit.register import get_register
from shuanggao.mentoring import figures as mentoring_figures
from shuanggao.pairings import service as pairings
from shuanggao.programme.enums import FULL_COVERAGE_TARGET_YEAR
from shuanggao.reports import quality
from shuanggao.reports import service as reports
from shuanggao.reports.sources import SOURCES

router = APIRouter(include_in_schema=False)

# The programme started in July 2025: trends start there.
PROGRAMME_START = dt.date(2025, 7, 1)
# The figures shown as cards, in the order of the article's 数说“双高协同”.
FIGURE_ORDER = (
    "universities",
    "zones",
    "pairings",
    "projects",
    "platforms",
    "residents",
    "enterprises_served",
    "funding_yuan",
)
# Columns of the drill-down tables.
TABLE_FIGURES = ("pairings", "projects", "platforms", "residents", "enterprises_served")
MAX_TREND_MONTHS = 24


def parse_as_of(raw: str | None) -> tuple[dt.date, str]:
    """The chosen date (today when absent); an unreadable date falls back with a message."""
    if not raw:
        return today(), ""
    try:
        return dt.date.fromisoformat(raw), ""
    except ValueError:
        return today(), f"日期“{raw}”无法识别，已显示截至今天的数字。"


def trend_start(as_of: dt.date) -> dt.date:
    months_back = dt.date(as_of.year - MAX_TREND_MONTHS // 12, as_of.month, 1)
    start = max(PROGRAMME_START, months_back)
    return min(start, dt.date(as_of.year, as_of.month, 1))


def source_href(fig: reports.Figure) -> str:
    """The approved report a figure came from (its 填报 sheet), or nothing for records."""
    return f"/reports/{fig.report_id}" if fig.source == "reports" and fig.report_id else ""


def records_href(name: str, as_of: dt.date, zone_id: int | None) -> str:
    """The list of records behind a figure, where the platform counts it from records."""
    if name not in SOURCES:
        return ""
    params = {"as_of": as_of.isoformat(), **({"zone_id": str(zone_id)} if zone_id else {})}
    return f"/reports/records/{name}?{urlencode(params)}"


def figure_cards(stats: reports.Stats) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    for name in FIGURE_ORDER:
        fig = stats.figures.get(name)
        if fig is None:
            continue
        money = name == "funding_yuan"
        label = fig.label.removesuffix("（元）")
        qualifier = fig.qualifier or ""
        cards.append(
            {
                "name": name,
                "label": label,
                "value": fig.value,
                "records": fig.records,
                "unit": "" if money else fig.unit,
                "money": money,
                "source": fig.source,
                "qualifier": qualifier,
                "report_as_of": fig.report_as_of,
                "source_href": source_href(fig),
                "records_href": records_href(name, stats.as_of, stats.zone_id),
            }
        )
    return cards


def _series_table(points: list[reports.Stats]) -> list[dict[str, Any]]:
    rows = []
    for point in points:
        rows.append(
            {
                "as_of": point.as_of,
                "values": {
                    name: fig.value for name, fig in point.figures.items() if name in FIGURE_ORDER
                },
            }
        )
    return rows


def _api_url(path: str, **params: Any) -> str:
    clean = {k: str(v) for k, v in params.items() if v is not None}
    return f"/api/v1/{path}?{urlencode(clean)}" if clean else f"/api/v1/{path}"


def _trend(
    session: Session, actor: Actor, as_of: dt.date, zone_id: int | None
) -> tuple[reports.Stats, list[dict[str, Any]], str]:
    """The figures as of ``as_of`` and the monthly trend up to it, computed together (the last
    point of the series is ``as_of`` itself)."""
    start = trend_start(as_of)
    points = reports.compute_series(session, actor, start, as_of, step="month", zone_id=zone_id)
    url = _api_url(
        "stats/series", **{"from": start.isoformat(), "to": as_of.isoformat(), "zone_id": zone_id}
    )
    return points[-1], _series_table(points), url


def _labels() -> dict[str, str]:
    from shuanggao.reports.schemas import FIGURE_LABELS

    return {k: v.removesuffix("（元）") for k, v in FIGURE_LABELS.items()}


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, actor: PageActor) -> Response:
    if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/dashboard/zones/{actor.zone_id}{query}", status_code=303)
    as_of, warning = parse_as_of(request.query_params.get("as_of"))
    stats, trend, series_url = _trend(session, actor, as_of, None)
    coverage = pairings.coverage(session, actor, as_of)
    return render(
        request,
        "dashboard/province.html",
        {
            "as_of": as_of,
            "warning": warning,
            "cards": figure_cards(stats),
            "coverage": coverage,
            "target_year": FULL_COVERAGE_TARGET_YEAR,
            "trend": trend,
            "labels": _labels(),
            "trend_figures": TABLE_FIGURES,
            "series_url": series_url,
            "coverage_url": _api_url("coverage", as_of=as_of.isoformat()),
            "breadcrumbs": [("数说双高协同", None)],
            "sees_reports": actor.sees_everything,
        },
    )


def figure_href(name: str, fig: reports.Figure, as_of: dt.date, zone_id: int | None) -> str:
    """Where a table's figure comes from: its approved report, else its records."""
    return source_href(fig) or records_href(name, as_of, zone_id)


def _zone_rows(
    session: Session, actor: Actor, as_of: dt.date, zones: list[Any]
) -> list[dict[str, Any]]:
    table = reports.zone_table(session, actor, as_of, [zone.id for zone in zones])
    return [
        {
            "zone": zone,
            "figures": {name: table[zone.id][name] for name in TABLE_FIGURES},
            "funding": table[zone.id]["funding_yuan"],
            "hrefs": {
                name: figure_href(name, fig, as_of, zone.id) for name, fig in table[zone.id].items()
            },
        }
        for zone in zones
    ]


@router.get("/dashboard/quality", response_class=HTMLResponse)
def data_quality(request: Request, session: SessionDep, actor: PageActor) -> Response:
    """Reported vs recorded per unit: the gaps to chase."""
    as_of, warning = parse_as_of(request.query_params.get("as_of"))
    rows = quality.quality_rows(session, actor, as_of)
    return render(
        request,
        "dashboard/quality.html",
        {
            "as_of": as_of,
            "warning": warning,
            "rows": rows,
            "labels": _labels(),
            "names": reports.ZONE_TABLE_FIGURES,
            "hrefs": {
                (row.zone_id, name): (source_href(fig), records_href(name, as_of, row.zone_id))
                for row in rows
                for name, fig in row.figures.items()
            },
            "breadcrumbs": [("数说双高协同", "/dashboard"), ("数据质量", None)],
        },
    )


@router.get("/dashboard/cities/{city}", response_class=HTMLResponse)
def dashboard_city(city: str, request: Request, session: SessionDep, actor: PageActor) -> Response:
    as_of, warning = parse_as_of(request.query_params.get("as_of"))
    zones_reg = get_register("zones")
    zones = kit.list_all_records(session, actor, zones_reg, filters={"city": city}, sort="name")
    if not zones:
        raise NotFound(f"没有找到设区市“{city}”的高新区。")
    coverage = pairings.coverage(session, actor, as_of)
    group = next((g for g in coverage.by_city if g.key == city), None)
    return render(
        request,
        "dashboard/city.html",
        {
            "as_of": as_of,
            "warning": warning,
            "city": city,
            "group": group,
            "rows": _zone_rows(session, actor, as_of, zones),
            "labels": _labels(),
            "table_figures": TABLE_FIGURES,
            "breadcrumbs": [
                ("数说双高协同", f"/dashboard?as_of={as_of.isoformat()}"),
                (city, None),
            ],
        },
    )


@router.get("/dashboard/zones/{zone_id:int}", response_class=HTMLResponse)
def dashboard_zone(
    zone_id: int, request: Request, session: SessionDep, actor: PageActor
) -> Response:
    as_of, warning = parse_as_of(request.query_params.get("as_of"))
    zone = kit.get_record(session, actor, get_register("zones"), zone_id)
    stats, trend, series_url = _trend(session, actor, as_of, zone_id)
    pairing_page = kit.list_records(
        session, actor, get_register("pairings"), filters={"zone_id": zone_id}, page_size=50
    )
    crumbs: list[tuple[str, str | None]] = []
    if actor.role is not Role.ZONE_ADMIN:
        crumbs = [
            ("数说双高协同", f"/dashboard?as_of={as_of.isoformat()}"),
            (zone.city, f"/dashboard/cities/{zone.city}?as_of={as_of.isoformat()}"),
        ]
    crumbs.append((zone.name, None))
    return render(
        request,
        "dashboard/zone.html",
        {
            "as_of": as_of,
            "warning": warning,
            "zone": zone,
            "cards": figure_cards(stats),
            "trend": trend,
            "labels": _labels(),
            "trend_figures": TABLE_FIGURES,
            "series_url": series_url,
            "pairings": pairing_page.items,
            "talent": mentoring_figures.talent_figures(
                session, actor, as_of, zone_id, zone_names={zone.id: zone.name}
            ),
            "breadcrumbs": crumbs,
        },
    )


@router.get("/pairings/{pairing_id:int}/board", response_class=HTMLResponse)
def pairing_board(
    pairing_id: int, request: Request, session: SessionDep, actor: PageActor
) -> Response:
    board = pairings.get_board(session, actor, pairing_id)
    reg = get_register("pilot_elements")
    can_add = actor.role is not Role.AUDITOR and reg.policy.can_create(
        actor, {"pairing_id": pairing_id}
    )
    pairing = board.pairing
    return render(
        request,
        "dashboard/board.html",
        {
            "board": board,
            "pairing": pairing,
            "can_add": can_add,
            "breadcrumbs": [
                ("结对", "/r/pairings"),
                (pairing.title, f"/r/pairings/{pairing.id}"),
                ("“五个一”看板", None),
            ],
        },
    )


@router.get("/dashboard/boards", response_class=HTMLResponse)
def boards_overview(request: Request, session: SessionDep, actor: PageActor) -> Response:
    """Every pairing's 五个一 at a glance, the pilots with the fewest landed first."""
    boards = pairings.get_boards(session, actor)
    boards.sort(key=lambda b: (b.landed, b.pairing.zone_city, b.pairing.title))
    kinds = [slot.kind for slot in boards[0].slots] if boards else []
    return render(
        request,
        "dashboard/boards.html",
        {
            "boards": boards,
            "kinds": kinds,
            "breadcrumbs": [("数说双高协同", "/dashboard"), ("“五个一”总览", None)],
        },
    )
