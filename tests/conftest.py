"""Shared fixtures: fast hashing, plain static storage, the demo page tree, users."""

import os

import pytest
from hypothesis import settings as hypothesis_settings

from tests.factories import UserFactory

# Property tests: a modest example count unless HYPOTHESIS_PROFILE asks for another.
hypothesis_settings.register_profile("quick", max_examples=10)
hypothesis_settings.register_profile("thorough", max_examples=300)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


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
