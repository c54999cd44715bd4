"""In a browser: the province opens the coverage plan, reads a zone's recommendations with their
reasons, fixes a pair and plans again."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import SignIn

pytestmark = pytest.mark.browser

# The first planner page builds the supply index and the affinity table.
FIRST_PLAN_MS = 120_000
UNPAIRED = {"南京高新区", "武进高新区", "昆山高新区", "盐城高新区", "苏州工业园区"}


def test_plan_recommendations_and_what_if(page: Any, sign_in: SignIn) -> None:
    sign_in(page, "demo.province", next_path="/dashboard")
    page.goto(page.url.split("/dashboard")[0] + "/planner", timeout=FIRST_PLAN_MS)
    rows = page.locator("#plan-pairs tbody tr")
    rows.first.wait_for(timeout=FIRST_PLAN_MS)
    zones = {rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())}
    # Every unpaired demo zone is planned; anything else planned is a zone other browser tests
    # created through the forms (their names start with 浏览器), unpaired too.
    assert zones >= UNPAIRED
    assert all(z in UNPAIRED or z.startswith("浏览器") for z in zones), zones
    assert "61" in page.locator("#plan-figures").inner_text()
    # Every proposed pair has at least one reason.
    for i in range(rows.count()):
        assert rows.nth(i).locator("td ul li").count() >= 1

    rows.first.locator("td a").first.click()
    page.wait_for_url(re.compile(r"/planner/zones/\d+$"))
    cards = page.locator("#recommendations > li")
    assert cards.count() == 10
    first = cards.first
    assert "亲和度" in first.locator(".panel-head").inner_text()
    assert first.locator("ul.reasons li").count() >= 1
    assert first.locator("table.data tbody tr").count() >= 1

    page.go_back()
    box = page.locator("#plan-pairs tbody tr").first.locator("input[name=fix]")
    value = box.get_attribute("value")
    box.check()
    page.locator("#whatif button[type=submit]").click()
    page.wait_for_url(re.compile(r"/planner\?"))
    fixed = page.locator(f"#plan-pairs input[name=fix][value='{value}']")
    assert fixed.is_checked()
    assert page.locator("#plan-pairs .badge", has_text="已固定").count() == 1
