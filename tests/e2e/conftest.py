"""Browser tests: Debian's headless Chromium, driven by Playwright, against a live server.

What is slow is set up once: the test database, the demo content, the live server and Chromium.
The demo content is loaded once per run and copied, table by table, into a snapshot schema; each
test starts from that snapshot (a few hundred rows put back in one transaction), so journeys that
change data still start from the same place without loading the demo again. Each test gets a
fresh browser context, so cookies and storage never leak between tests.

pytest-django's `live_server` fixture is not used: it makes every test transactional, and the
flush that follows each one (then rebuilding content types and permissions) cost more than the
tests themselves. These fixtures hold the database open for the tests that ask for `demo_site`.
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

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import DEFAULT_DB_ALIAS, connection, transaction  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402
from pytest_django.live_server_helper import LiveServer  # noqa: E402

from . import helpers  # noqa: E402
from .helpers import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
# The configured database, before any test database replaces it in the settings.
CONFIGURED_DATABASE = settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"]
MIGRATED, DEMO = "e2e_snapshot_migrated", "e2e_snapshot_demo"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives headless Chromium (tests/e2e)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def nu_checker() -> Iterator[helpers.NuChecker]:
    """The Nu HTML Checker, started first so the JVM warms up while the database is made."""
    if shutil.which("java") is None:
        pytest.fail("Java is needed for the Nu HTML Checker: `make browser` installs it.")
    if not helpers.VNU_JAR.exists():
        pytest.fail("node_modules is missing vnu-jar: run `npm ci` (`make browser` does).")
    helpers.NU_CHECKER = checker = helpers.NuChecker()
    yield checker
    helpers.NU_CHECKER = None
    checker.stop()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request) -> Iterator[None]:
    """The test database, made here when no other test in this run asked pytest-django for one.

    pytest-django creates it only for tests that use its database fixtures; these tests do not
    (see the module's docstring). In a run with other tests the one database is shared.
    """
    if connection.settings_dict["NAME"] != CONFIGURED_DATABASE:
        yield  # pytest-django made the test database for the other tests
        return
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        created = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases={DEFAULT_DB_ALIAS},
            serialized_aliases=set(),
            keepdb=bool(request.config.getvalue("reuse_db")),
        )
    yield
    if not request.config.getvalue("reuse_db"):
        with django_db_blocker.unblock():
            teardown_databases(created, verbosity=request.config.option.verbose)


class Snapshots:
    """Copies of every table in schemas of their own, and putting them back.

    PostgreSQL only, like the browser pass. Foreign keys are deferred (Django makes them
    DEFERRABLE), so tables can be emptied and refilled in any order inside one transaction.
    Sequences are left where they are: new rows get ids above every snapshot row.
    """

    def __init__(self) -> None:
        if connection.vendor != "postgresql":
            pytest.fail("The browser tests run on PostgreSQL: set DATABASE_URL to postgres://…")
        tables = connection.introspection.table_names()
        self.tables = sorted(table for table in tables if table != "django_migrations")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name,"
                " string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)"
                " FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND is_generated = 'NEVER' GROUP BY table_name"
            )
            self.columns = dict(cursor.fetchall())
            cursor.execute("SELECT current_schema()")
            self.schema = cursor.fetchone()[0]

    def _name(self, schema: str, table: str) -> str:
        return f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(table)}"

    def take(self, snapshot: str) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {snapshot} CASCADE; CREATE SCHEMA {snapshot}")
            for table in self.tables:
                cursor.execute(
                    f"CREATE TABLE {self._name(snapshot, table)}"
                    f" AS TABLE {self._name(self.schema, table)}"
                )

    def restore(self, snapshot: str) -> None:
        # Every name is quoted and comes from the database's own catalogue.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in self.tables:
                cursor.execute(f"DELETE FROM {self._name(self.schema, table)}")  # noqa: S608
            for table in self.tables:
                columns = self.columns[table]
                cursor.execute(
                    f"INSERT INTO {self._name(self.schema, table)} ({columns})"  # noqa: S608
                    f" SELECT {columns} FROM {self._name(snapshot, table)}"
                )

    def drop(self, *snapshots: str) -> None:
        with connection.cursor() as cursor:
            for snapshot in snapshots:
                cursor.execute(f"DROP SCHEMA IF EXISTS {snapshot} CASCADE")


@pytest.fixture(scope="package")
def demo_snapshots(django_db_setup, django_db_blocker) -> Iterator[Snapshots]:
    """The demo content, loaded once; the database goes back to how migrations left it after."""
    with django_db_blocker.unblock():
        snapshots = Snapshots()
        snapshots.take(MIGRATED)
        call_command("load_demo", password=DEMO_PASSWORD, verbosity=0)
        snapshots.take(DEMO)
    yield snapshots
    with django_db_blocker.unblock():
        snapshots.restore(MIGRATED)
        snapshots.drop(MIGRATED, DEMO)


@pytest.fixture(scope="session")
def demo_server(django_db_setup) -> Iterator[LiveServer]:
    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def demo_site(demo_server, demo_snapshots, django_db_blocker) -> Iterator[str]:
    """The demo content, as loaded, in a database the live server sees; yields the server's URL.

    The test and the server both reach the database while the test runs (the test's own ORM
    calls commit at once, as in a transactional test).
    """
    with django_db_blocker.unblock():
        demo_snapshots.restore(DEMO)
        yield demo_server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium.")
    if not (ROOT / "node_modules" / "axe-core" / "axe.min.js").exists():
        pytest.fail("node_modules is missing axe-core: run `npm ci` (`make browser` does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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
