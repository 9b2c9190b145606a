"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

Every test here is marked ``browser`` (``-m "not browser"`` leaves them out) and runs on a
transactional database, because the live server answers from another thread and only sees
committed rows. Each page a test visits is saved as a screenshot under
``test-artifacts/screenshots/`` so a person can look at what the browser saw.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse
# ORM calls made from fixtures and tests ("SynchronousOnlyOperation").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("SILIN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need chromium at {CHROMIUM} (apt-get install chromium).")
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session", autouse=True)
def _fresh_screenshots():
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _browser_db(transactional_db):
    """The live server reads from its own thread, so test data must really be committed.

    After the test, Django empties every table. PostgreSQL does that with TRUNCATE, which
    the append-only triggers (the audit log, the time bank's books) let through; SQLite
    deletes row by row, which those triggers refuse. So on SQLite each guarded table is
    emptied first, with its delete trigger lifted for that one statement. (This fixture's
    teardown runs before transactional_db's flush.)
    """
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master"
            " WHERE type = 'trigger' AND name LIKE '%no_delete'"
        )
        # Movements before the transfers they point at.
        for name, table, sql in sorted(
            cursor.fetchall(), key=lambda row: row[1] != "mutualaid_movement"
        ):
            cursor.execute(f'DROP TRIGGER "{name}"')
            cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608
            cursor.execute(sql)


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


class Visitor:
    """A page plus the helpers every browser test needs: visit, log in, screenshot, axe."""

    def __init__(self, page, live_server, request):
        self.page = page
        self.live_server = live_server
        self.test_name = re.sub(r"[^\w.-]+", "_", request.node.name)[:120]
        self.shots = 0

    # -- navigation -----------------------------------------------------------------------
    def url(self, name: str, *args, **kwargs) -> str:
        return reverse(name, args=args or None, kwargs=kwargs or None)

    def visit(self, name_or_path: str, *args, label: str | None = None, **kwargs):
        path = (
            name_or_path
            if name_or_path.startswith("/")
            else self.url(name_or_path, *args, **kwargs)
        )
        response = self.page.goto(path)
        assert response is not None, f"no response for {path}"
        assert response.status < 400, f"{path} answered {response.status}"
        self.screenshot(label or name_or_path)
        return response

    def screenshot(self, label: str) -> Path:
        self.shots += 1
        safe = re.sub(r"[^\w.-]+", "_", label).strip("_")[:60]
        target = SCREENSHOTS / f"{self.test_name}--{self.shots:02d}-{safe}.jpg"
        # JPEG: a full-page PNG costs several times as long to encode, on every visit.
        self.page.screenshot(path=str(target), full_page=True, type="jpeg", quality=80)
        return target

    # -- sessions -------------------------------------------------------------------------
    def login_as(self, user) -> None:
        """Log in without the form: a Django test client session copied into the browser."""
        client = Client()
        client.force_login(user, backend="silin.accounts.backends.MobilePasswordBackend")
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": self.live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )

    # -- accessibility --------------------------------------------------------------------
    def axe(self) -> list[dict]:
        """Runs axe-core on the current page and returns its violations."""
        self.page.add_script_tag(path=str(AXE_JS))
        result = self.page.evaluate("async () => await axe.run()")
        return result["violations"]

    def assert_accessible(self, where: str = "") -> None:
        blocking = [v for v in self.axe() if v.get("impact") in BLOCKING_IMPACTS]
        if blocking:
            report = [
                {
                    "rule": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "nodes": [
                        {"target": n["target"], "summary": n.get("failureSummary", "")}
                        for n in v["nodes"][:8]
                    ],
                }
                for v in blocking
            ]
            pytest.fail(
                f"axe-core: serious or critical violations on {where or self.page.url}:\n"
                + json.dumps(report, ensure_ascii=False, indent=2),
                pytrace=False,
            )


@pytest.fixture
def page(context):
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture
def visitor(page, live_server, request):
    return Visitor(page, live_server, request)
