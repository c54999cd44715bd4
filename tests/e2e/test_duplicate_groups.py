"""In a browser: a zone official saves a group of duplicate needs from the duplicate list as a
合并需求组, finds it on a member need's page, renames it and dissolves it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import SignIn

pytestmark = pytest.mark.browser

# The duplicate list's first page loads the tokenizer.
FIRST_PAGE_MS = 120_000
NAME = "浏览器测试合并组"


def test_save_a_group_see_it_on_a_need_rename_and_dissolve_it(page: Any, sign_in: SignIn) -> None:
    sign_in(page, "demo.zone", next_path="/triage/duplicates")
    form = page.locator("form.group-save-form").first
    form.wait_for(timeout=FIRST_PAGE_MS)
    form.locator("input[name=name]").fill(NAME)
    form.locator("button[type=submit]").click()
    saved = page.locator("section.saved-group", has_text=NAME)
    saved.wait_for()
    assert f"已保存合并需求组“{NAME}”" in page.locator("#flashes").inner_text()
    members = saved.locator("tr.group-member")
    assert members.count() >= 2
    version = saved.get_attribute("data-version")
    assert version == "1"

    link = saved.locator("tr.group-member a").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/r/demands/\d+$"))
    panel = page.locator("#demand-groups .demand-group", has_text=NAME)
    panel.wait_for()
    assert title.split(" ", 1)[1] in panel.inner_text()

    page.goto(page.url.split("/r/")[0] + "/triage/duplicates")
    saved = page.locator("section.saved-group", has_text=NAME)
    saved.wait_for(timeout=FIRST_PAGE_MS)
    saved.locator("form.group-edit-form input[name=name]").fill(NAME + "（改）")
    saved.locator("form.group-edit-form button[type=submit]").click()
    renamed = page.locator("section.saved-group", has_text=NAME + "（改）")
    renamed.wait_for(timeout=FIRST_PAGE_MS)
    assert renamed.get_attribute("data-version") == "2"

    renamed.locator("form.group-dissolve button[type=submit]").click()
    page.locator("#flashes", has_text="已解散合并需求组").wait_for(timeout=FIRST_PAGE_MS)
    assert page.locator("section.saved-group", has_text=NAME).count() == 0
