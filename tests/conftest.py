"""Shared fixtures: fast hashing, plain static storage, the demo page tree, users."""

import pytest

from tests.factories import UserFactory

SITE_URL = "http://coachhouse.test:8123"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Not the test client's host, nor the demo's port: absolute links must come from SITE_URL.
    settings.SITE_URL = SITE_URL
    settings.WAGTAILADMIN_BASE_URL = SITE_URL


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_page(db):
    """The demo HomePage, root of the default site."""
    from website.content.demo import home_page

    return home_page()


@pytest.fixture
def user(db):
    return UserFactory()
