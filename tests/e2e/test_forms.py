"""Every register's create form, for every demo role allowed to create in it, in a real browser.

Generated from the register descriptions (``Register.columns`` through ``field_specs``, the page
hooks and the tenancy policies): for each register × role the test opens the create form, fills
every field from ``tests.e2e.form_factory``, submits; then fills the form again with one field
wrong and checks that every other field comes back exactly as entered; then checks that the
list, the detail page and the CSV export name every referenced record (never its id or code).

One server and one browser for the whole run; one signed-in tab per account.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from shuanggao.actor import ROLE_TENANT, Actor
from shuanggao.cli.user import DEMO_ACCOUNTS
from shuanggao.imports.fields import FieldSpec
from shuanggao.kit.register import Register, all_registers, get_register
from shuanggao.web import pages
from shuanggao.web.forms import form_specs
from shuanggao.web.hooks import page_hooks
from shuanggao.web.routes import PAGE_HOOKS
from tests.e2e.conftest import DEMO_PASSWORD, TIMEOUT_MS, LiveServer, api_get, screenshot
from tests.e2e.form_factory import Filled, FormFiller, break_one, read_back

pytestmark = pytest.mark.browser


def _cases() -> list[Any]:
    """``(register, username)`` for every register and demo role that may create in it."""
    cases = []
    for reg in sorted(all_registers(), key=lambda r: r.name):
        for role, username, _ in DEMO_ACCOUNTS:
            kind = ROLE_TENANT[role]
            tenant = {f"{kind}_id": 1} if kind else {}
            actor = Actor(role=role, user_id=1, username=username, **tenant)  # type: ignore[arg-type]
            if pages._can_create(PAGE_HOOKS, reg, actor):
                cases.append(pytest.param(reg.name, username, id=f"{reg.name}-{role.value}"))
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def db(live_server: LiveServer) -> Iterator[Session]:
    engine = create_engine(live_server.database_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


class Tabs:
    """One signed-in tab per demo account, shared by the tests of this module."""

    def __init__(self, browser: Any, live_server: LiveServer) -> None:
        self.browser = browser
        self.live_server = live_server
        self.tabs: dict[str, Any] = {}
        self.errors: list[str] = []

    def __call__(self, username: str) -> Any:
        if username not in self.tabs:
            context = self.browser.new_context(
                base_url=self.live_server.base_url,
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
                viewport={"width": 1400, "height": 900},
            )
            context.set_default_timeout(TIMEOUT_MS)
            tab = context.new_page()
            tab.on("pageerror", lambda exc: self.errors.append(f"{username}: {exc}"))
            tab.on(
                "console",
                lambda msg: (
                    self.errors.append(f"{username}: {msg.text}")
                    if msg.type == "error" and not msg.text.startswith("Failed to load resource")
                    else None
                ),
            )
            tab.goto("/login")
            tab.fill("input[name=username]", username)
            tab.fill("input[name=password]", DEMO_PASSWORD)
            tab.click("form button[type=submit]")
            tab.wait_for_url(lambda url: "/login" not in url)
            if "/account/consent" in tab.url:  # first sign-in: accept the notice
                tab.check("#f-processing")
                tab.click("#consent-form button[type=submit]")
                tab.wait_for_url(lambda url: "/account/consent" not in url)
            self.tabs[username] = tab
        return self.tabs[username]

    def close(self) -> None:
        for tab in self.tabs.values():
            tab.context.close()


@pytest.fixture(scope="module")
def tabs(browser: Any, live_server: LiveServer) -> Iterator[Tabs]:
    shared = Tabs(browser, live_server)
    try:
        yield shared
    finally:
        shared.close()


def _visible_specs(reg: Register[Any]) -> list[FieldSpec]:
    exclude = page_hooks(PAGE_HOOKS, reg.name).form_exclude
    return [s for s in form_specs(reg, reg.create_schema) if s.field not in exclude]


def _submit(tab: Any) -> Any:
    with tab.expect_navigation():
        tab.click("form.form button[type=submit]")
    return tab


def _created_id(tab: Any, reg: Register[Any], filled: Filled) -> int:
    match = re.search(rf"/r/{reg.name}/(\d+)$", tab.url)
    if match is None:
        errors = tab.locator(".field .error").all_inner_texts()
        detail = tab.locator(".form-errors").all_inner_texts()
        screenshot(tab, f"form-refused-{reg.name}")
        raise AssertionError(f"{reg.name} was not saved: {detail} {errors} from {filled.values}")
    return int(match.group(1))


def _ref_names(db: Session, reg: Register[Any], obj_id: int) -> dict[str, str]:
    """``{header: text}`` every reference of the saved record must show: the referenced
    records' names (``Ref.name_of``, what forms and files use), never ids."""
    db.expire_all()
    stmt = select(reg.model).options(*reg.load_options).where(reg.model.id == obj_id)
    obj = db.scalars(stmt).unique().one()
    expected: dict[str, str] = {}
    for spec in _visible_specs(reg):
        ref = spec.column.ref
        if ref is None or ref.name_of is None:
            continue
        raw = getattr(obj, spec.field, None)
        ids = list(raw) if isinstance(raw, list | tuple) else ([] if raw is None else [raw])
        if not ids:
            continue
        names = [ref.name_of(db, int(i)) for i in ids]
        assert all(names), (spec.field, ids, names)
        expected[spec.header] = "、".join(str(n) for n in names)
    return expected


def _detail_cells(tab: Any) -> dict[str, str]:
    rows = tab.locator(".detail-layout table.kv tr")
    cells: dict[str, str] = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        if row.locator("th").count() and row.locator("td").count():
            cells[row.locator("th").inner_text().strip()] = row.locator("td").inner_text().strip()
    return cells


def _list_cells(tab: Any, reg: Register[Any], obj_id: int) -> dict[str, str]:
    tab.goto(f"/r/{reg.name}?sort=-id&page_size=20")
    headers = [h.strip() for h in tab.locator("#records thead th").all_inner_texts()]
    row = tab.locator(f"#records tbody tr:has(a[href='/r/{reg.name}/{obj_id}'])")
    assert row.count() == 1, f"record {obj_id} is not in the list of {reg.name}"
    values = [v.strip() for v in row.first.locator("td").all_inner_texts()]
    return dict(zip(headers, values, strict=False))


def _export_row(tab: Any, reg: Register[Any], title: str) -> dict[str, str]:
    response = api_get(tab, f"/r/{reg.name}/export.csv")
    assert response.status == 200
    table = list(csv.reader(io.StringIO(response.body().decode("utf-8-sig"))))
    header = table[0]
    title_header = next((s.header for s in _visible_specs(reg) if s.field == reg.title_attr), None)
    column = header.index(title_header) if title_header in header else None
    found = [row for row in table[1:] if column is not None and row[column] == title]
    assert len(found) == 1, f"{title} is not once in the export of {reg.name}"
    return dict(zip(header, found[0], strict=True))


@pytest.mark.parametrize(("register_name", "username"), CASES)
def test_create_form(
    register_name: str, username: str, tabs: Tabs, db: Session, live_server: LiveServer
) -> None:
    reg = get_register(register_name)
    tab = tabs(username)
    specs = _visible_specs(reg)
    filler = FormFiller(tab, reg, db, username)

    # 1. Every field filled from the factory, saved.
    tab.goto(f"/r/{reg.name}/new")
    assert tab.locator("form.form").count() == 1, f"{username} has no form for {reg.name}"
    filled = filler.fill(specs)
    _submit(tab)
    obj_id = _created_id(tab, reg, filled)

    # 2. Once more with one field wrong: everything else comes back exactly as entered.
    tab.goto(f"/r/{reg.name}/new")
    again = filler.fill(specs)
    wrong = break_one(tab, reg, specs, again)
    _submit(tab)
    assert re.search(rf"/r/{reg.name}/new$", tab.url), f"{reg.name}: the wrong {wrong} was saved"
    assert tab.locator(f"#f-{wrong}-error").count() == 1, f"{reg.name}: no error at {wrong}"
    shown = read_back(tab, [s for s in specs if s.field != wrong])
    expected = {k: v for k, v in again.values.items() if k != wrong}
    assert shown == expected

    # 3. The list, the detail page and the export name every referenced record.
    names = _ref_names(db, reg, obj_id)
    tab.goto(f"/r/{reg.name}/{obj_id}")
    detail = _detail_cells(tab)
    for header, name in names.items():
        assert detail.get(header) == name, (reg.name, header, detail.get(header), name)
    listed = _list_cells(tab, reg, obj_id)
    for header, name in names.items():
        if header in listed:
            assert listed[header] == name, (reg.name, header, listed[header], name)
    title = filled.values.get(reg.title_attr)
    if isinstance(title, str) and title:
        exported = _export_row(tab, reg, title)
        for header, name in names.items():
            assert exported[header] == name.replace("、", "；"), (reg.name, header)
    assert tabs.errors == []
