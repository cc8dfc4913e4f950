"""Shared fixtures: fast hashing, plain static storage, the demo database, users.

Also the Hypothesis profiles (HYPOTHESIS_PROFILE=ci, the default, or thorough) and the order
the tests run in (see pytest_collection_modifyitems).
"""

import os
import threading

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import database
from tests.factories import UserFactory
from tests.overrides import settings_for_tests

# Hypothesis: a modest number of examples per commit, many more on demand (make test-thorough).
# No deadline: a slow example on a loaded machine is not a failure.
for _name, _examples in {"ci": 100, "thorough": 2000}.items():
    hypothesis_settings.register_profile(
        _name,
        max_examples=_examples,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# Not the test client's host, nor the demo's port: absolute links must come from SITE_URL.
SITE_URL = "http://coachhouse.test:8123"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    for name, value in settings_for_tests(settings.STORAGES, tmp_path).items():
        setattr(settings, name, value)
    settings.SITE_URL = settings.WAGTAILADMIN_BASE_URL = SITE_URL


@pytest.fixture(autouse=True)
def _clear_cache(monkeypatch):
    """An empty cache, and no memo of a previous test's content (website/content/page_cache.py:
    each test's database restarts at the same content generation).

    The content generation a process read is trusted for GENERATION_SECONDS (1 s) before it is
    read again; in a test it is trusted until something in the process retires it (a publish, a
    price change: the signals call `forget_content_generation`), however slow the machine. A
    test's query count or cached page then never depends on how long its steps took (the order
    list counted 12 or 13 queries depending on whether a second had passed); a test of the
    expiry itself moves `page_cache.time.monotonic` on by GENERATION_SECONDS.
    """
    from django.core.cache import cache

    from website.content import page_cache

    monkeypatch.setattr(page_cache, "GENERATION_SECONDS", 1e9)
    cache.clear()
    page_cache.forget_content_generation()
    yield
    cache.clear()
    page_cache.forget_content_generation()


# The live server ------------------------------------------------------------------------


class RequestsInFlight:
    """The requests a live server is answering, so that a test's teardown can wait for the
    last of them before its database is flushed: on PostgreSQL a request still reading (a
    late XHR of the browser, a webhook localstripe posts after the test's last assertion)
    while the flush's TRUNCATE took its locks ended in a deadlock. A request counts from the
    application's call to its response's close (where Django closes its database
    connections); an idle keep-alive connection is not a request."""

    def __init__(self, httpd):
        self.count = 0
        self.changed = threading.Condition()
        application = httpd.get_app()

        def counted(environ, start_response):
            with self.changed:
                self.count += 1
            try:
                body = application(environ, start_response)
            except BaseException:
                self._finished()
                raise
            return _ClosingBody(body, self._finished)

        httpd.set_app(counted)

    def _finished(self):
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_until_idle(self, timeout: float = 60) -> None:
        """Return once no request is being answered (the timeout only bounds a stuck one)."""
        with self.changed:
            if not self.changed.wait_for(lambda: self.count == 0, timeout):
                raise AssertionError(f"the live server is still answering {self.count} request(s)")


class _ClosingBody:
    """A WSGI response body that reports its close (the server closes it, sent or not)."""

    def __init__(self, body, on_close):
        self.body, self.on_close = body, on_close

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.on_close()


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server, with `requests_in_flight` (RequestsInFlight)."""
    live_server.requests_in_flight = RequestsInFlight(live_server.thread.httpd)
    return live_server


# The test database ---------------------------------------------------------------------

_snapshots: database.Snapshots | None = None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, a file-backed test database (WAL, as in production) instead of in-memory.

    A live server's threads then have their own connections and transactions; with the
    in-memory database they shared the test's one connection, so a test could read a
    fulfilment half-way through its transaction.
    """
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        settings_dict["TEST"]["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


_template: database.MigratedTemplate | None = None


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_modify_db_settings, django_db_blocker, tmp_path_factory):
    """Under pytest-xdist, a worker copies the database the first one migrated (and keeps it)."""
    global _template
    if not hasattr(request.config, "workerinput"):
        return request.config.getvalue("reuse_db")
    from django.db import connections

    shared = tmp_path_factory.getbasetemp().parent  # the run's directory, above each worker's
    _template = database.MigratedTemplate(shared, connections["default"])
    with django_db_blocker.unblock():
        return _template.claim()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """pytest-django's test database, plus its migrated snapshot (tests/database.py)."""
    global _snapshots
    from django.conf import settings

    with django_db_blocker.unblock():
        if _template is not None:
            _template.publish()
        directory = tmp_path_factory.mktemp("snapshots")
        # Seeded as every test runs: the tests' settings and SITE_URL (the demo's Wagtail Site
        # follows SITE_URL, and so do the sitemap's and the feeds' links).
        seed_settings = settings_for_tests(settings.STORAGES, directory / "demo-files")
        seed_settings.update(SITE_URL=SITE_URL, WAGTAILADMIN_BASE_URL=SITE_URL)
        snapshots = database.Snapshots(directory, seed_settings)
        snapshots.take(database.MIGRATED)
    _snapshots = snapshots
    yield
    _snapshots = None
    with django_db_blocker.unblock():
        snapshots.drop()
        if _template is not None:
            _template.drop_clone()


def pytest_sessionfinish(session):
    """The xdist controller drops the PostgreSQL template the workers copied."""
    config = session.config
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with config.stash[blocking_manager_key].unblock():
        database.drop_template_database(connections["default"])


def _is_transactional(item) -> bool:
    """Whether pytest-django runs the test as a TransactionTestCase (as it decides)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction")
        or marker.kwargs.get("reset_sequences")
        or (marker.args and marker.args[0])
    ):
        return True
    return "transactional_db" in item.fixturenames or "live_server" in item.fixturenames


def _uses_db(item) -> bool:
    names = item.fixturenames
    return item.get_closest_marker("django_db") is not None or "db" in names or _uses_demo(item)


def _uses_demo(item) -> bool:
    return "demo_database" in item.fixturenames


def _database_state(item) -> str:
    """The snapshot a test starts from: the demo, or what its page fixtures would create."""
    names = item.fixturenames
    if _uses_demo(item):
        return database.DEMO
    if "course_index" in names:
        return database.COURSES
    return database.HOME if "home_page" in names else database.MIGRATED


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef, request):
    """Before pytest-django opens a test's transaction (or not): the database it expects."""
    if fixturedef.argname != "_django_db_helper" or _snapshots is None:
        return
    item = request.node
    with request.getfixturevalue("django_db_blocker").unblock():
        _snapshots.prepare(_database_state(item), transactional=_is_transactional(item))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Keep pytest-django's order (rollback tests, transactional tests, the rest) with the rollback
    tests of each database state together (tests/database.py: migrated, home page, courses index,
    demo), so each state is restored about once for them, and the browser journeys
    last: one Chromium serves them all, and its event loop stays open to the end of the run."""

    def order(item):
        group = 1 if _is_transactional(item) else 0 if _uses_db(item) else 2
        state = database.STATES.index(_database_state(item))
        return (item.get_closest_marker("browser") is not None, group, state)

    items.sort(key=order)
    for item in items:
        # demo_database asks for `db` at run time, which pytest-django's scan of the collected
        # tests cannot see: a run of only such tests would set up no test database at all.
        if _uses_demo(item) and not _is_transactional(item) and "db" not in item.fixturenames:
            item.add_marker(pytest.mark.django_db)


@pytest.fixture
def demo_database(request, tmp_path):
    """The demo as `make demo` leaves it: a copy of the database seeded once per test run.

    Rollback tests get it inside their transaction; transactional ones (the live server) get
    it committed. Request it as an argument (not with getfixturevalue): the copy is put in
    place before the test's database fixtures run.
    """
    request.getfixturevalue("transactional_db" if _is_transactional(request.node) else "db")
    assert _snapshots is not None and _snapshots.prepared == database.DEMO, (
        "demo_database must be a fixture argument of the test or of its fixtures"
    )
    _snapshots.copy_demo_files(tmp_path)


@pytest.fixture
def home_page(db):
    """The demo HomePage, root of the default site."""
    from website.content.demo import home_page

    return home_page()


@pytest.fixture
def user(db):
    return UserFactory()
