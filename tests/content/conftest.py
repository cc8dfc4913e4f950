import pytest

from website.content import demo


@pytest.fixture
def episode_index(home_page):
    return demo.episode_index()


@pytest.fixture
def article_index(home_page):
    return demo.article_index()


@pytest.fixture
def seeded(demo_database):
    """The full demo content (episode 403 and the rest), as `make demo` leaves it."""


@pytest.fixture(autouse=True)
def _fresh_content_generation():
    """Each test reads the page-cache generation from its own database."""
    from website.content.page_cache import forget_content_generation

    forget_content_generation()
