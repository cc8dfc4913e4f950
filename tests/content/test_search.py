import pytest
from django.db import connection

from tests.content.factories import ArticlePageFactory, EpisodePageFactory, publish
from website.content import selectors

pytestmark = pytest.mark.django_db


def test_searching_retro_walking_finds_episode_403(client, seeded):
    response = client.get("/search/", {"q": "retro-walking"})

    titles = [page.title for page in response.context["results"]]
    assert "Backward Walking for Back Pain – Episode 403" in titles


def test_search_finds_episodes_and_articles_by_their_body_text(
    client, episode_index, article_index
):
    episode = EpisodePageFactory(parent=episode_index, title="Balance basics")
    article = ArticlePageFactory(parent=article_index, title="Ear health")
    EpisodePageFactory(
        parent=episode_index, title="Unrelated", body=[("paragraph", "<p>Ankles.</p>")]
    )
    for page, word in ((episode, "otolith"), (article, "otolith")):
        page.body = [("paragraph", f"<p>The {word} senses gravity.</p>")]
        page.save_revision().publish()

    response = client.get("/search/", {"q": "otolith"})

    assert {page.pk for page in response.context["results"]} == {episode.pk, article.pk}


def test_search_leaves_out_unpublished_pages(client, episode_index):
    EpisodePageFactory(parent=episode_index, title="Secret draft", live=False)

    response = client.get("/search/", {"q": "Secret draft"})

    assert list(response.context["results"]) == []
    assert "Nothing matched" in response.content.decode()


def test_an_empty_query_shows_a_helpful_page_instead_of_results(client, seeded):
    response = client.get("/search/", {"q": "   "})

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["results"] is None
    assert "What are you looking for?" in html
    assert "/articles/category/back-pain/" in html


@pytest.mark.parametrize(
    "query",
    [
        "a" * 1000,
        "back " * 200,
        "😀🏃‍♀️ ﷽ \u202e reversed \u0000 nul \u200b",
        '"unbalanced quote AND (OR NOT * ^ NEAR(',
        "ÅÄÖ Ωμέγα 背中の痛み",
        "don't -- ' ''",
        "\\ %_ ; DROP TABLE",
    ],
)
def test_odd_or_huge_queries_get_a_normal_results_page(client, seeded, query):
    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    assert len(response.context["query"]) <= 200


def test_a_query_of_only_symbols_is_treated_as_empty(client, seeded):
    response = client.get("/search/", {"q": '"*()^'})

    assert response.context["results"] is None


def test_search_results_past_the_last_page_show_the_last_page(client, episode_index):
    for _ in range(12):
        EpisodePageFactory(parent=episode_index, title="Breathing drill")

    response = client.get("/search/", {"q": "breathing", "page": "50"})

    assert response.status_code == 200
    assert response.context["results"].number == 2


# Forgiving typos ------------------------------------------------------------------


def _titles(response) -> list[str]:
    return [page.title for page in response.context["results"]]


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("backwrd walking", "Backward Walking for Back Pain – Episode 403"),
        ("vestibulr", "The Vestibular System Explained – Episode 400"),
    ],
)
def test_a_query_with_a_typo_still_finds_the_page(client, seeded, typo, expected):
    response = client.get("/search/", {"q": typo})

    assert expected in _titles(response)
    html = response.content.decode()
    found = response.context["found"]
    if connection.vendor == "postgresql":
        # pg_trgm: the close matches themselves, most similar first.
        assert found.close_matches
        assert f"No exact matches for “{typo}”" in html
    else:
        assert found.searched == found.suggestion
        assert f"(you searched for “{typo}”)" in html


def test_a_typo_is_answered_with_did_you_mean_on_every_database(client, seeded):
    html = client.get("/search/", {"q": "backwrd walking"}).content.decode()
    assert (
        'Did you mean <a href="?q=backward%20walking" data-did-you-mean>backward walking</a>?'
        in (html)
    )


def test_a_correctly_spelled_query_suggests_nothing(client, seeded):
    response = client.get("/search/", {"q": "backward walking"})
    assert response.context["found"].suggestion is None
    assert "Did you mean" not in response.content.decode()


def test_the_suggestion_vocabulary_includes_tags_and_follows_publishing(seeded, episode_index):
    assert "retro" in selectors.search_vocabulary()
    assert selectors.search_suggestion(query="otolihts") is None
    publish(EpisodePageFactory(parent=episode_index, title="Otoliths and gravity"))
    assert selectors.search_suggestion(query="otolihts") == "otoliths"


def test_results_name_courses_articles_and_episodes_as_readers_do(client, seeded):
    response = client.get("/search/", {"q": "vestibular"})
    html = response.content.decode()
    labels = {
        page.title: selectors.search_result_label(page) for page in response.context["results"]
    }
    assert labels["The Balance Gym"] == "Course"
    assert labels["The Vestibular System Explained – Episode 400"] == "Episode 400"
    assert labels["Five Everyday Habits That Train Your Vestibular System"] == "Article"
    assert '<p class="eyebrow">Course</p>' in html
    assert "Course page" not in html and "COURSE PAGE" not in html


def test_nonsense_finds_nothing_and_suggests_nothing(client, seeded):
    response = client.get("/search/", {"q": "zzzqqqx"})
    assert list(response.context["results"]) == []
    assert response.context["found"].suggestion is None
    assert "Nothing matched" in response.content.decode()
