"""Consent at first sign-in and the self-service download, in a real browser (PIPL 14, 45)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from shuanggao.db.session import build_engine
from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, screenshot

pytestmark = pytest.mark.browser

USER = "demo.student"


def _forget_consent(live_server: LiveServer) -> None:
    """The account signs in for the first time under the current notice."""
    engine = build_engine(live_server.database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE app_user SET privacy_notice_version = NULL WHERE username = :u"),
                {"u": USER},
            )
    finally:
        engine.dispose()


def test_consent_at_first_sign_in_then_download_my_data(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    _forget_consent(live_server)
    page.goto("/login?next=/r/supply_items")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/account/consent" in url)
    assert page.locator("h1").inner_text() == "个人信息处理规则"
    screenshot(page, "privacy-01-consent")
    # The notice is required: without it the form is not sent (the box is ``required``).
    page.uncheck("#f-matching")
    page.check("#f-processing")
    page.click("#consent-form button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/r/supply_items"))  # back where they were going
    page.goto("/account/privacy")
    assert "您已撤回机器匹配推荐" in page.locator("#matching-state").inner_text()
    screenshot(page, "privacy-02-my-data")
    with page.expect_download() as caught:
        page.click("#export-json")
    saved = tmp_path / "mine.json"
    caught.value.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["账号"][0]["用户名"] == USER
    assert data["账号"][0]["同意机器匹配推荐"] is False
    assert [r["事项"][:2] for r in data["授权记录"]][-2:] == ["同意", "同意"]
    # Opting back in is one click, and shows at once.
    page.click("#matching-toggle")
    page.wait_for_url(lambda url: url.endswith("/account/privacy"))
    assert "您同意被机器匹配推荐" in page.locator("#matching-state").inner_text()
