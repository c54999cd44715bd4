"""Navigation entries of the matching pages."""

from __future__ import annotations

from fastapi import FastAPI

from shuanggao.web.nav import NavItem, add_nav_item


def install(app: FastAPI) -> None:
    add_nav_item(NavItem("供需匹配图谱", "/matches/map", group="supply", order=30))
