"""The settings every test runs with, in one place: the test process applies them
(tests/conftest.py) and so do the app servers some tests start (tests/server_settings.py)."""

from pathlib import Path


def settings_for_tests(storages: dict, files: Path) -> dict:
    """The settings every test runs with; uploaded and private files go under `files`."""
    return {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Tests render templates without running collectstatic first.
        "STORAGES": {
            **storages,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            "private": {
                "BACKEND": "website.storage.PrivateFileSystemStorage",
                "OPTIONS": {"location": files / "private"},
            },
        },
        "MEDIA_ROOT": files / "media",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
