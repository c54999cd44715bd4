"""Page tweaks of registers whose pages the web package extends (pairings' 五个一 board)."""

from __future__ import annotations

from typing import Any

from shuanggao.web import repository
from shuanggao.web.hooks import PageHooks, set_page_hooks


def _pairing_links(obj: Any) -> list[tuple[str, str]]:
    return [("“五个一”看板", f"/pairings/{obj.id}/board")]


set_page_hooks(
    "pairings",
    PageHooks(
        list_fields=("zone_id", "university_ids", "batch", "status", "start_date"),
        detail_links=_pairing_links,
        options=repository.pairing_options,
    ),
)


def _zone_links(obj: Any) -> list[tuple[str, str]]:
    return [("数说双高协同", f"/dashboard/zones/{obj.id}")]


set_page_hooks("zones", PageHooks(detail_links=_zone_links))
