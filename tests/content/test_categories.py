import pytest

from tests.content.factories import ArticlePageFactory, CategoryFactory, EpisodePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def balance(db):
    return CategoryFactory(name="Balance", slug="balance", description="Inner ear, eyes and feet.")


def test_a_category_page_lists_its_episodes_and_articles_together_newest_first(
    client, episode_index, article_index, balance
):
    other = CategoryFactory()
    episode = EpisodePageFactory(parent=episode_index, categories=[balance], date="2026-03-01")
    article = ArticlePageFactory(parent=article_index, categories=[balance], date="2026-04-01")
    both = ArticlePageFactory(parent=article_index, categories=[balance, other], date="2026-02-01")
    EpisodePageFactory(parent=episode_index, categories=[other])
    ArticlePageFactory(parent=article_index, categories=[balance], live=False)

    response = client.get("/articles/category/balance/")

    assert response.status_code == 200
    assert list(response.context["items"]) == [article, episode, both]
    assert response.context["category"] == balance
    html = response.content.decode()
    assert "<h1>Balance</h1>" in html and "Inner ear, eyes and feet." in html


def test_an_unknown_category_is_not_found(client, article_index):
    assert client.get("/articles/category/no-such-topic/").status_code == 404


def test_a_category_page_number_past_the_end_shows_the_last_page(client, article_index, balance):
    for _ in range(13):
        ArticlePageFactory(parent=article_index, categories=[balance])

    response = client.get("/articles/category/balance/", {"page": "9999"})

    assert response.status_code == 200
    assert response.context["items"].number == 2
    assert len(response.context["items"]) == 1


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1e9", ""])
def test_a_malformed_category_page_number_never_fails(client, article_index, balance, page):
    ArticlePageFactory(parent=article_index, categories=[balance])

    response = client.get("/articles/category/balance/", {"page": page})

    assert response.status_code == 200


def test_a_category_without_live_content_says_so_instead_of_failing(client, article_index, balance):
    response = client.get("/articles/category/balance/")

    assert response.status_code == 200
    assert "Nothing in Balance yet." in response.content.decode()


def test_the_current_category_is_marked_in_the_category_list(client, article_index, balance):
    ArticlePageFactory(parent=article_index, categories=[balance])

    html = client.get("/articles/category/balance/").content.decode()

    assert 'href="/articles/category/balance/" aria-current="page"' in html
