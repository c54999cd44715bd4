"""Typed factory functions: ``create_x(session, **overrides) -> X``. They flush, never commit."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.universities.models import University
from shuanggao.zones.models import Zone

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def create_zone(session: Session, **overrides: Any) -> Zone:
    n = _n()
    values: dict[str, Any] = {
        "name": f"测试高新区{n}",
        "full_name": f"测试高新技术产业开发区{n}",
        "level": "national",
        "city": "南京市",
        "industry_codes": [],
        "emerging_codes": [],
    }
    values.update(overrides)
    zone = Zone(**values)
    session.add(zone)
    session.flush()
    return zone


def create_university(session: Session, **overrides: Any) -> University:
    n = _n()
    values: dict[str, Any] = {
        "code": f"41320{n:05d}",
        "name": f"测试大学{n}",
        "city": "南京市",
        "authority": "江苏省",
        "level": "undergraduate",
        "discipline_codes": [],
    }
    values.update(overrides)
    uni = University(**values)
    session.add(uni)
    session.flush()
    return uni
