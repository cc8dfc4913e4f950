"""Copies of the test database, so the demo is seeded once per test run, not once per test.

Two snapshots of the whole test database are kept next to it:

- ``migrated``: the database as migrations leave it (taken right after pytest-django creates it);
- ``demo``: the same plus ``seed_demo`` (taken the first time a test asks for the demo).

Before each database test, :func:`prepare` puts the database in the state the test expects
(the demo for tests using the ``demo_database`` fixture, the migrated state for the rest) by
restoring a snapshot, only when the database is not already in that state. A rollback test
leaves the state as it found it; a transactional test leaves the database flushed (as
pytest-django's ``TransactionTestCase`` does), which the next test restores from if it must.

A restore is a whole-database copy: SQLite's online backup API (milliseconds) or PostgreSQL's
``CREATE DATABASE … TEMPLATE`` (a fraction of a second), far cheaper than seeding (seconds).
"""

import io
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.db import connections
from django.test import override_settings

MIGRATED = "migrated"
DEMO = "demo"
FLUSHED = "flushed"  # after a transactional test: empty tables until the next restore


class Snapshots:
    """The test database's snapshots and the state the database is in now."""

    def __init__(self, directory: Path, seed_settings: dict):
        self.directory = directory
        self.seed_settings = seed_settings  # the settings tests run with (e.g. fast hashing)
        self.media = directory / "demo-media"
        self.taken: set[str] = set()
        self.current = MIGRATED
        self.prepared = MIGRATED  # what the last test was given
        self.connection = connections["default"]
        self.vendor = self.connection.vendor
        self.name = self.connection.settings_dict["NAME"]
        # Connection objects handed out in other contexts (Playwright's sync API runs an event
        # loop, and Django hands out another connection there); closed before each restore.
        self.known_connections = [self.connection]

    # The state machine -------------------------------------------------------------------

    def prepare(self, *, demo: bool, transactional: bool) -> None:
        """Bring the database into the state the next test expects."""
        wanted = DEMO if demo else MIGRATED
        acceptable = {wanted, FLUSHED} if transactional and not demo else {wanted}
        if self.current not in acceptable:
            self.restore(wanted)
        self.prepared = wanted
        if transactional:
            self.current = FLUSHED  # what the test's teardown (a flush) leaves

    def restore(self, state: str) -> None:
        if state == DEMO and DEMO not in self.taken:
            self.restore(MIGRATED)
            with override_settings(**self.seed_settings, MEDIA_ROOT=self.media):
                call_command("seed_demo", stdout=io.StringIO())
            self.take(DEMO)
        else:
            self._copy_in(state)
        self.current = state

    # Copies ------------------------------------------------------------------------------

    def _file(self, state: str) -> Path:
        return self.directory / f"{state}.sqlite3"

    def _database(self, state: str) -> str:
        return f"{self.name}_{state}"

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
            with self._maintenance() as cursor:
                _terminate_others(cursor, self.name)
                cursor.execute(f'DROP DATABASE IF EXISTS "{self._database(state)}"')
                cursor.execute(f'CREATE DATABASE "{self._database(state)}" TEMPLATE "{self.name}"')
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
            with self._maintenance() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{self._database(state)}"')

    @contextmanager
    def _maintenance(self):
        """A cursor on PostgreSQL's maintenance database, with no connection left on ours."""
        self.known_connections.append(connections["default"])
        for connection in self.known_connections:
            connection.close()
        with self.connection._nodb_cursor() as cursor:
            yield cursor

    def drop(self) -> None:
        """Remove the snapshots (the test database itself is pytest-django's to drop)."""
        if self.vendor == "sqlite":
            for state in self.taken:
                self._file(state).unlink(missing_ok=True)
        else:
            with self._maintenance() as cursor:
                for state in self.taken:
                    snapshot = self._database(state)
                    cursor.execute(f'DROP DATABASE IF EXISTS "{snapshot}" WITH (FORCE)')
        shutil.rmtree(self.media, ignore_errors=True)
        self.taken.clear()

    def copy_demo_media(self, media_root: Path) -> None:
        """The demo's documents and portraits, into a test's own MEDIA_ROOT."""
        if self.media.exists():
            shutil.copytree(self.media, media_root, dirs_exist_ok=True)


def _terminate_others(cursor, database: str) -> None:
    cursor.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid()",
        [database],
    )
