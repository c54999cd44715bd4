"""Cell conversion: the ways Chinese spreadsheets write dates, yes/no, amounts and lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shuanggao.imports.fields import (
    LOCAL_TZ,
    cell_text,
    normalize_header,
    parse_date,
    parse_datetime,
    split_multi,
)


@pytest.mark.parametrize(
    "text",
    ["2025-08-04", "2025/8/4", "2025.8.4", "2025年8月4日", "2025年08月04", "20250804"],
)
def test_dates(text: str) -> None:
    assert parse_date(text) == dt.date(2025, 8, 4)


@pytest.mark.parametrize("text", ["2025-02-30", "25-8-4", "8/4/2025", "2025-8", "明天"])
def test_not_dates(text: str) -> None:
    assert parse_date(text) is None


def test_datetimes_are_china_time() -> None:
    assert parse_datetime("2025-08-04 09:30") == dt.datetime(2025, 8, 4, 9, 30, tzinfo=LOCAL_TZ)
    assert parse_datetime("2025/8/4") == dt.datetime(2025, 8, 4, tzinfo=LOCAL_TZ)
    assert parse_datetime("2025-08-04 25:00") is None


def test_multi_values_split_on_every_separator() -> None:
    assert split_multi("a；b;c、d，e,f\ng\r\nh ;; ") == ["a", "b", "c", "d", "e", "f", "g", "h"]
    assert split_multi(812) == [812]


def test_cell_text() -> None:
    assert cell_text(4132010286) == "4132010286"
    assert cell_text(4132010286.0) == "4132010286"
    assert cell_text(0.1) == "0.1"
    assert cell_text(True) == "是"
    assert cell_text("  ") is None
    assert cell_text(dt.datetime(2025, 8, 4)) == "2025-08-04"  # noqa: DTZ001 (an Excel cell)
    assert cell_text(Decimal("1.50")) == "1.50"


@pytest.mark.parametrize(
    "raw", ["高新区简称", " 高新区简称 ", "*高新区简称", "高新区简称（必填）", "高 新 区 简 称"]
)
def test_header_variants(raw: str) -> None:
    assert normalize_header(raw) == normalize_header("高新区简称")


def test_full_width_headers() -> None:
    assert normalize_header("经费(元)") == normalize_header("经费（元）")
    assert normalize_header("ＡＢＣ") == normalize_header("ABC")


def test_money_cells() -> None:
    from shuanggao.imports.fields import field_specs, to_python
    from shuanggao.kit.register import get_register

    spec = next(s for s in field_specs(get_register("projects")) if s.field == "budget")
    assert spec.money
    assert to_python(spec, "1,234.50") == "1234.50"
    assert to_python(spec, "￥1234.5元") == "1234.5"
    assert to_python(spec, 1234.5) == Decimal("1234.5")
    assert to_python(spec, 0.1) == Decimal("0.1")
    assert to_python(spec, 300) == 300
