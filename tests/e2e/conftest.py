"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

They skip, saying why, where /usr/bin/chromium is missing (`apt-get install chromium`).
A screenshot of the page is saved under test-results/ when a browser test fails.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

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
            # Each journey starts from the rows migrations create (Wagtail's root page, groups…).
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture
def demo_site(transactional_db, live_server, settings):
    """A fresh demo database, as `make run` leaves it (migrations' rows restored, then seeded).

    Like `make run PORT=…`, the site's address is the one it is served on, so the links in its
    e-mails lead back to this live server.
    """
    settings.SITE_URL = settings.WAGTAILADMIN_BASE_URL = live_server.url
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def browser(demo_site, monkeypatch):
    """Chromium for one test, started after the database is ready.

    Playwright's sync API runs an event loop in this thread while it is open, and Django then
    hands out different connection objects; starting it last and stopping it first keeps the
    test case's own connection for set-up and the flush.
    """
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        reason = f"No Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the browser tests, not skip them")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # The ORM calls a test makes between browser steps are ordinary blocking calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(live_server, demo_site, browser, request):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(exist_ok=True)
        page.screenshot(path=RESULTS / f"{request.node.name}.png", full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
