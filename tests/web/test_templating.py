"""Chinese number, money and date formats; i18n catalogs; static URLs; the template loader."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from shuanggao.kit.http import templating
from shuanggao.kit.http.templating import (
    fmt_date,
    fmt_datetime,
    fmt_number,
    fmt_value,
    fmt_yuan,
    fmt_yuan_exact,
    static_url,
)
from shuanggao.programme.enums import ProgressStatus


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        (0, "0"),
        (12345, "12,345"),
        (Decimal("1234.5"), "1,234.50"),
        (Decimal("7"), "7"),
    ],
)
def test_numbers(value: object, text: str) -> None:
    assert fmt_number(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("750000000"), "75,000 万元"),
        (Decimal("123456789.01"), "12,345.68 万元"),
        (Decimal("23610002"), "2,361 万元"),
        (Decimal("25000"), "2.5 万元"),
        (Decimal("12345.67"), "1.23 万元"),
        (Decimal("9999.9"), "1 万元"),
        (Decimal("49.99"), "0 万元"),
        (Decimal("50"), "0.01 万元"),
        (Decimal("0"), "0 万元"),
        (None, "—"),
    ],
)
def test_money_is_exact_and_readable(value: object, text: str) -> None:
    assert fmt_yuan(value) == text


def test_records_show_money_to_the_fen() -> None:
    assert fmt_yuan_exact(Decimal("123456789.01")) == "123,456,789.01 元"
    assert fmt_yuan_exact(Decimal("100000000")) == "100,000,000.00 元"


def test_dates_in_chinese_and_beijing_time() -> None:
    assert fmt_date(dt.date(2025, 11, 30)) == "2025年11月30日"
    assert fmt_date("2025-08-04") == "2025年8月4日"
    stamp = dt.datetime(2025, 11, 30, 17, 5, tzinfo=dt.UTC)
    assert fmt_datetime(stamp) == "2025年12月1日 01:05"
    assert fmt_date(stamp) == "2025年12月1日"


def test_values_use_labels_and_chinese_yes_no() -> None:
    assert fmt_value(ProgressStatus.LANDED) == "已落地"
    assert fmt_value(True) == "是"
    assert fmt_value(["C39", "C3973"]) == "C39、C3973"
    assert fmt_value([]) == "—"


def test_static_urls_carry_a_content_hash() -> None:
    url = static_url("vendor/echarts.min.js")
    assert url.startswith("/static/vendor/echarts.min.js?v=")
    assert len(url.rsplit("=", 1)[1]) == 10
    assert static_url("no/such/file.js") == "/static/no/such/file.js"


def test_a_compiled_catalog_translates_the_chinese_msgids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = Catalog(locale="en")
    catalog.add("数说双高协同", "Shuanggao in figures")
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    (target / "messages.mo").write_bytes(buffer.getvalue())
    monkeypatch.setattr(templating, "I18N_DIR", tmp_path)
    templating.translations.cache_clear()
    try:
        assert templating.translations("en").gettext("数说双高协同") == "Shuanggao in figures"
        # zh_Hans has no catalog: the msgid is the text.
        assert templating.translations("zh_Hans").gettext("数说双高协同") == "数说双高协同"
    finally:
        templating.translations.cache_clear()


def test_loader_searches_web_templates_first() -> None:
    dirs = templating.template_dirs()
    assert dirs[0] == templating.TEMPLATES_DIR
    assert all(d.name == "templates" for d in dirs)
