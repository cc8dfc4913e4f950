"""Copies of the test database, so the demo is seeded once per test run, not once per test.

Two snapshots of the whole test database are kept next to it:

- ``migrated``: the database as migrations leave it (taken right after pytest-django creates it);
- ``demo``: the same plus ``seed_demo`` (taken the first time a test asks for the demo).

Before each database test, `Snapshots.prepare` puts the database in the state the test expects
(the demo for tests using the ``demo_database`` fixture, the migrated state for the rest) by
restoring a snapshot, only when the database is not already in that state. A rollback test
leaves the state as it found it; a transactional test leaves the database flushed (as
pytest-django's ``TransactionTestCase`` does), which the next test restores from if it must.

A restore is a whole-database copy: SQLite's online backup API (milliseconds) or, on PostgreSQL,
a copy of every table kept in a schema of the test database (a fraction of a second), far
cheaper than seeding (seconds).
"""

import fcntl
import io
import shutil
import sqlite3
from pathlib import Path

from django.core.management import call_command
from django.db import connections, transaction
from django.test import override_settings

MIGRATED = "migrated"
HOME = "home"  # migrated + the demo's HomePage (the `home_page` fixture)
COURSES = "courses"  # home + the "Courses" index (the `course_index` fixture)
DEMO = "demo"
FLUSHED = "flushed"  # after a transactional test: empty tables until the next restore
# The order rollback tests run in (tests/conftest.py), so each state is restored about once.
STATES = (MIGRATED, HOME, COURSES, DEMO)


class Snapshots:
    """The test database's snapshots and the state the database is in now."""

    def __init__(self, directory: Path, seed_settings: dict):
        self.directory = directory
        # The settings tests run with (fast hashing…), files under directory/demo-files.
        self.seed_settings = seed_settings
        self.files = directory / "demo-files"
        self.taken: set[str] = set()
        self.current = MIGRATED
        self.prepared = MIGRATED  # what the last test was given
        self.connection = connections["default"]
        self.vendor = self.connection.vendor

    # The state machine -------------------------------------------------------------------

    def prepare(self, wanted: str, *, transactional: bool) -> None:
        """Bring the database into the state (one of STATES) the next test expects.

        A transactional test is given MIGRATED or DEMO only (its fixtures create the rest): its
        teardown flushes the database, so any other state would be restored for every test.
        """
        if transactional and wanted != DEMO:
            wanted = MIGRATED
        acceptable = {wanted, FLUSHED} if transactional and wanted == MIGRATED else {wanted}
        if self.current not in acceptable:
            self.restore(wanted)
        self.prepared = wanted
        if transactional:
            self.current = FLUSHED  # what the test's teardown (a flush) leaves

    def restore(self, state: str) -> None:
        if state not in self.taken:
            # Built once from the state before it, as the fixtures (or `make demo`) would.
            self.restore(MIGRATED if state == DEMO else STATES[STATES.index(state) - 1])
            with override_settings(**self.seed_settings):
                _build(state)
            self.take(state)
        else:
            self._copy_in(state)
        self.current = state

    # Copies ------------------------------------------------------------------------------

    def _file(self, state: str) -> Path:
        return self.directory / f"{state}.sqlite3"

    def _schema(self, state: str) -> str:
        return f"snapshot_{state}"

    def take(self, state: str) -> None:
        """Copy the test database as it is now into the snapshot `state`."""
        if self.vendor == "sqlite":
            self.connection.ensure_connection()
            target = sqlite3.connect(self._file(state))
            try:
                self.connection.connection.backup(target)
            finally:
                target.close()
        else:
            # A schema of copies inside the test database (out of Django's search path): no
            # CREATE/DROP DATABASE per test, which cost seconds each (a checkpoint).
            schema = self._schema(state)
            with transaction.atomic(), connections["default"].cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                cursor.execute(f'CREATE SCHEMA "{schema}"')
                for table in _pg_tables(cursor, "public"):
                    cursor.execute(f'CREATE TABLE "{schema}"."{table}" AS TABLE public."{table}"')
                cursor.execute(
                    f'CREATE TABLE "{schema}".{SEQUENCES} AS SELECT sequencename, last_value'  # noqa: S608 - names from the catalogue
                    " FROM pg_sequences WHERE schemaname = 'public'"
                )
        self.taken.add(state)

    def _copy_in(self, state: str) -> None:
        if self.vendor == "sqlite":
            self.connection.ensure_connection()
            assert not self.connection.in_atomic_block, "restore between tests only"
            source = sqlite3.connect(self._file(state))
            try:
                source.backup(self.connection.connection)
            finally:
                source.close()
        else:
            # One transaction; Django's foreign keys are deferred, so the order does not matter.
            schema = self._schema(state)
            with transaction.atomic(), connections["default"].cursor() as cursor:
                tables = _pg_tables(cursor, "public")
                cursor.execute("TRUNCATE " + ", ".join(f'public."{t}"' for t in tables))
                # Names from the catalogue (pg_tables), not input.
                for table in tables:
                    copy = f'"{schema}"."{table}"'
                    cursor.execute(f'INSERT INTO public."{table}" SELECT * FROM {copy}')  # noqa: S608
                cursor.execute(f'SELECT sequencename, last_value FROM "{schema}".{SEQUENCES}')  # noqa: S608
                for sequence, last_value in cursor.fetchall():
                    cursor.execute(
                        "SELECT setval(%s, %s, %s)",
                        [f'public."{sequence}"', last_value or 1, last_value is not None],
                    )

    def drop(self) -> None:
        """Remove the snapshots (on PostgreSQL they go with the test database)."""
        if self.vendor == "sqlite":
            for state in self.taken:
                self._file(state).unlink(missing_ok=True)
        shutil.rmtree(self.files, ignore_errors=True)
        self.taken.clear()

    def copy_demo_files(self, tmp_path: Path) -> None:
        """The demo's uploads (media/) and private documents (private/), into a test's own
        directories (tests/conftest.py points MEDIA_ROOT and the private storage there)."""
        if self.files.exists():
            shutil.copytree(self.files, tmp_path, dirs_exist_ok=True)


SEQUENCES = "_snapshot_sequences"


def _build(state: str) -> None:
    """What a state adds to the one before it: the same calls the fixtures make."""
    if state == HOME:
        from website.content.demo import home_page

        home_page()
    elif state == COURSES:
        from courses.demo import course_index

        course_index()
    elif state == DEMO:
        call_command("seed_demo", stdout=io.StringIO())


def _pg_tables(cursor, schema: str) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [schema])
    return [row[0] for row in cursor.fetchall()]


# One migration per test run under pytest-xdist -----------------------------------------------


class MigratedTemplate:
    """Under pytest-xdist, the first worker to need a database migrates it; the others copy it.

    Migrating takes about 20 CPU-seconds (260 migrations), which every worker paid on its own.
    The first worker takes an exclusive lock on a file in the run's shared temporary directory
    and keeps it while pytest-django creates and migrates its database, then copies that
    database into a template (SQLite: a file; PostgreSQL: a database) and lets go. A worker
    that gets the lock after it finds the template, copies it in as its own test database and
    tells pytest-django to keep it (`keepdb`): Django's migrate then has nothing to apply. If
    the first worker fails before the template exists, the next one to get the lock migrates.
    """

    def __init__(self, shared: Path, connection):
        self.connection = connection
        self.vendor = connection.vendor
        self.ready = shared / "migrated.ready"
        self.sqlite_file = shared / "migrated.sqlite3"
        self._lock = open(shared / "migrated.lock", "a+")  # noqa: SIM115 - held across fixtures
        self.template = template_database_name(connection)  # before the test name is set
        self.building = False
        self.cloned = False

    def claim(self) -> bool:
        """Block until the template exists or this worker is to build it; True if it copied
        the template in (then pytest-django must keep the database, not create it)."""
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        if not self.ready.exists():
            self.building = True  # the lock is kept until `publish`
            return False
        try:
            self._clone()
        finally:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
        self.cloned = True
        return True

    def publish(self) -> None:
        """After the first worker migrated its database: make it the template, release."""
        if not self.building:
            return
        try:
            test_name = self.connection.settings_dict["NAME"]
            if self.vendor == "sqlite":
                self.connection.ensure_connection()
                target = sqlite3.connect(self.sqlite_file)
                try:
                    self.connection.connection.backup(target)
                finally:
                    target.close()
            else:
                connections.close_all()  # a template database must have no other session
                with self.connection.creation._nodb_cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{self.template}"')
                    cursor.execute(f'CREATE DATABASE "{self.template}" TEMPLATE "{test_name}"')
            self.ready.touch()
        finally:
            self.building = False
            fcntl.flock(self._lock, fcntl.LOCK_UN)

    def _clone(self) -> None:
        test_name = self.connection.creation._get_test_db_name()
        if self.vendor == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(test_name + suffix).unlink(missing_ok=True)
            shutil.copyfile(self.sqlite_file, test_name)
        else:
            with self.connection.creation._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{test_name}"')
                cursor.execute(f'CREATE DATABASE "{test_name}" TEMPLATE "{self.template}"')

    def drop_clone(self) -> None:
        """At the end of the run: a copied PostgreSQL database (pytest-django keeps it)."""
        if self.cloned and self.vendor == "postgresql":
            connections.close_all()
            test_name = self.connection.settings_dict["NAME"]
            with self.connection.creation._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{test_name}"')


def template_database_name(connection) -> str:
    """The PostgreSQL template's name: the same in every worker and in the xdist controller."""
    return f"test_{connection.settings_dict['NAME']}_migrated"[:63]


def drop_template_database(connection) -> None:
    if connection.vendor == "postgresql":
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{template_database_name(connection)}"')
