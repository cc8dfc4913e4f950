import pytest

from trainers.demo import directory_page


@pytest.fixture
def directory(home_page):
    """The published "Find a Trainer" page at /find-a-trainer/."""
    return directory_page()
