"""Browser tests: Debian's headless Chromium, driven by Playwright, against the live server.

One browser is shared by the whole session (starting Chromium is the slow part); each test gets a
fresh browser context, so cookies and storage never leak between tests. The demo content is loaded
into a transactional database for each test that asks for `demo_site`, so journeys that change data
start from the same place.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the ORM
# calls that fixtures and assertions make from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# Never let Playwright fetch a browser of its own: we drive the system Chromium.
os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"

from django.core.management import call_command  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402

from .helpers import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives headless Chromium (tests/e2e)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium.")
    if not (ROOT / "node_modules" / "axe-core" / "axe.min.js").exists():
        pytest.fail("node_modules is missing axe-core: run `npm ci` (`make browser` does).")
    if shutil.which("java") is None:
        pytest.fail("Java is needed for the Nu HTML Checker.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo_site(live_server, django_db_serialized_rollback) -> str:
    """The demo content in a database the live server sees; returns the server's base URL.

    Serialised rollback puts back what the migrations created (Wagtail's root page, the default
    site, groups) after each test flushes the tables, so the suite's other tests find it.
    """
    call_command("load_demo", password=DEMO_PASSWORD, verbosity=0)
    return live_server.url


@pytest.fixture
def context(browser: Browser, demo_site: str) -> Iterator[BrowserContext]:
    # The site's Content Security Policy forbids inline scripts, rightly; Playwright injects
    # axe-core as one, so the test browser alone sets the policy aside.
    context = browser.new_context(
        base_url=demo_site,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        bypass_csp=True,
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
