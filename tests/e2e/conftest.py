"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

They skip, saying why, where /usr/bin/chromium is missing (`apt-get install chromium`).
A screenshot of the page is saved under test-results/ when a browser test fails.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # Committed rows, so the live server sees them; each journey starts from a fresh copy
            # of the demo database (tests/database.py), and its teardown flushes it.
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture
def demo_site(demo_database, live_server, settings):
    """A fresh demo database, as `make run` leaves it (a copy seeded once per test run).

    Like `make run PORT=…`, the site's address is the one it is served on, so the links in its
    e-mails lead back to this live server.
    """
    from website.content.services import default_site_follow_site_url

    settings.SITE_URL = settings.WAGTAILADMIN_BASE_URL = live_server.url
    default_site_follow_site_url()


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the whole run; each test gets its own context (cookies, storage).

    Playwright's sync API keeps an event loop open in this thread from here to the end of the
    run, so Django's guard against blocking calls inside one is lifted: the ORM calls tests
    make between browser steps are ordinary blocking calls. The browser journeys run last
    (tests/conftest.py) so no other test runs under it. Django hands out other connection
    objects while the loop is open: harmless, each is its own connection to the same test
    database (a file on SQLite, or PostgreSQL), never a shared in-memory one.
    """
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        reason = f"No Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the browser tests, not skip them")
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # as the pages' default below: a bound, not a wait
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def browser(demo_site, chromium, live_server):
    """The run's Chromium; every context a test opens is closed after it, and the requests its
    pages left behind are answered before the database is flushed."""
    yield chromium
    for context in chromium.contexts:
        context.close()
    live_server.requests_in_flight.wait_until_idle()


@pytest.fixture
def page(live_server, browser, request):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    # A bound on how long an effect may take to appear, not a wait: generous for a loaded machine.
    page.set_default_timeout(30_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(exist_ok=True)
        page.screenshot(path=RESULTS / f"{request.node.name}.png", full_page=True)
    context.close()
    live_server.requests_in_flight.wait_until_idle()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
