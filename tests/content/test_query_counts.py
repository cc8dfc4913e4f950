"""Every public page renders in at most 12 SQL queries, logged in or not, however much content
there is: adding episodes, articles and trainers adds none (issue #16).

Each page is requested once to warm the per-generation memos and image renditions, then
counted; the memos are read from the database at most once a second per process, which the
count leaves out (in tests the generation is read once until something retires it:
tests/conftest.py, so the count is exact).
"""

import pytest
from django.test import Client

from tests.content.factories import ArticlePageFactory, EpisodePageFactory
from tests.factories import UserFactory
from tests.trainers.factories import TrainerFactory
from trainers.models import Trainer
from website.content import fragments, page_cache, services
from website.content.models import (
    ArticleIndexPage,
    ArticlePage,
    Category,
    EpisodeIndexPage,
    EpisodePage,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12
EXTRA = 14  # more than a listing page (12) holds


def _article_url():
    return ArticlePage.objects.live().order_by("pk").first().url


def _trainer_url():
    return Trainer.objects.published().order_by("pk").first().get_absolute_url()


PAGES = {
    "home": lambda: "/",
    "episode": lambda: "/episodes/backward-walking-for-back-pain/",
    "episode index": lambda: "/episodes/",
    "category": lambda: "/articles/category/back-pain/",
    "article": _article_url,
    "article index": lambda: "/articles/",
    "episode feed": lambda: "/episodes/feed/",
    "article feed": lambda: "/articles/feed/",
    "find a trainer": lambda: "/find-a-trainer/?q=60601",
    "trainer profile": _trainer_url,
    "search": lambda: "/search/?q=back",
    "course": lambda: "/courses/the-balance-gym/",
    "course index": lambda: "/courses/",
}


def _uncached(url: str) -> str:
    """The URL with a parameter the page cache never stores, so every request renders."""
    return url + ("&" if "?" in url else "?") + "fresh=1"


def _more_content():
    """EXTRA episodes (with the demo episode's video, so a poster each) and articles (with a hero
    image) in the back-pain category, and EXTRA trainers near 60601."""
    category = Category.objects.get(slug="back-pain")
    model = EpisodePage.objects.get(slug="backward-walking-for-back-pain")
    hero = ArticlePage.objects.exclude(hero_image=None).first().hero_image
    episodes, articles = EpisodeIndexPage.objects.get(), ArticleIndexPage.objects.get()
    for n in range(EXTRA):
        episode = EpisodePageFactory(
            parent=episodes, title=f"Back drills {n}", number=9000 + n, video=model.video.raw_data
        )
        episode.categories.add(category)
        episode.save()
        article = ArticlePageFactory(parent=articles, title=f"Back notes {n}", hero_image=hero)
        article.categories.add(category)
        article.save()
        # Apart, as real trainers are (equal distances cost one more query, to order by name).
        TrainerFactory(name=f"Back coach {n}", latitude=41.8858 + n / 1000)
    # Factories publish without Wagtail's signals: retire the memos as a publish would.
    services.content_generation_bump()
    page_cache.forget_content_generation()


def _count(client: Client, url: str, django_assert_max_num_queries, limit: int) -> int:
    assert client.get(url).status_code == 200  # warm-up
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _counts_before_and_after_more_content(name: str, django_assert_max_num_queries):
    """The page's query counts, anonymous and signed in, each within 12; then, after
    `_more_content`, each within what it was before."""
    anonymous, customer = Client(), Client()
    customer.force_login(UserFactory())
    url = _uncached(PAGES[name]())
    before = [
        _count(client, url, django_assert_max_num_queries, MAX_QUERIES)
        for client in (anonymous, customer)
    ]
    _more_content()
    after = [
        _count(client, url, django_assert_max_num_queries, limit)
        for client, limit in zip((anonymous, customer), before, strict=True)
    ]
    return before, after


@pytest.mark.parametrize("name", list(PAGES))
def test_a_public_page_takes_at_most_12_queries_and_no_more_as_content_grows(
    name, seeded, django_assert_max_num_queries
):
    before, after = _counts_before_and_after_more_content(name, django_assert_max_num_queries)

    # Search results may hold fewer page types afterwards (one specific query per type shown).
    assert all(later <= earlier for later, earlier in zip(after, before, strict=True))


@pytest.mark.parametrize("name", ["home", "episode", "category", "article", "article index"])
def test_a_page_rendering_its_fragments_afresh_takes_at_most_12_queries_as_content_grows(
    name, seeded, django_assert_max_num_queries, monkeypatch
):
    """The first rendering after a publish finds none of its per-generation fragments
    (website/content/fragments.py), which the warm-up above stores: counted without them."""
    monkeypatch.setattr(fragments, "_stored", lambda key: None)
    before, after = _counts_before_and_after_more_content(name, django_assert_max_num_queries)

    assert all(later <= earlier for later, earlier in zip(after, before, strict=True))
