import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def uploads(tmp_path):
    """A copy of the fixture uploads folder, so a test may add or remove files."""
    folder = tmp_path / "uploads"
    shutil.copytree(FIXTURES / "uploads", folder)
    return folder


@pytest.fixture
def run_command():
    """Run a management command; returns its stdout."""

    def run(*args, **options) -> str:
        out = StringIO()
        call_command(*args, stdout=out, stderr=StringIO(), **options)
        return out.getvalue()

    return run
