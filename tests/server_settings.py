"""Settings of the gunicorn app servers a test starts against the test database
(tests/website/test_app_servers.py): the project's one settings module, read from the
environment as in a deployment, plus what every test runs with (tests/overrides.py), so the
demo's accounts (hashed with the tests' fast hasher) can log in.

TEST_FILES_DIR holds the test's media and private files; TEST_CACHE_KEY_PREFIX keeps one test's
cache entries (pages, sessions, rate-limit counters) apart from any other user of that Redis
database, and lets the test remove them afterwards.
"""

import os
from pathlib import Path

from tests.overrides import settings_for_tests
from website.settings import *  # noqa: F403
from website.settings import CACHES, STORAGES

globals().update(settings_for_tests(STORAGES, Path(os.environ["TEST_FILES_DIR"])))
CACHES["default"]["KEY_PREFIX"] = os.environ["TEST_CACHE_KEY_PREFIX"]
