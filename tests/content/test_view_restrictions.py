"""View restrictions read from the per-generation memo (KnownRestrictionsMixin, selectors.public)
hold as Wagtail's own do: a restricted subtree is closed to strangers and left out of listings."""

import pytest
from wagtail.models import PageViewRestriction

from tests.content.factories import EpisodePageFactory, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def episodes(episode_index):
    return [
        publish(EpisodePageFactory(parent=episode_index, title=f"Open drills {n}", number=500 + n))
        for n in range(2)
    ]


def test_a_login_restriction_on_a_parent_closes_its_pages_to_anonymous_visitors(
    client, episodes, episode_index
):
    assert client.get(episodes[0].url).status_code == 200  # memoized: no restriction yet

    PageViewRestriction.objects.create(
        page=episode_index, restriction_type=PageViewRestriction.LOGIN
    )

    response = client.get(episodes[0].url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_restricted_episode_is_left_out_of_listings_and_feeds(client, episodes, home_page):
    hidden, shown = episodes
    assert hidden.title in client.get("/episodes/").content.decode()

    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)

    for url in ("/episodes/", "/episodes/feed/", "/"):
        content = client.get(url, {"fresh": 1}).content.decode()
        assert hidden.title not in content, url
        assert shown.title in content, url


def test_removing_the_restriction_opens_the_page_again(client, episodes, episode_index):
    restriction = PageViewRestriction.objects.create(
        page=episode_index, restriction_type=PageViewRestriction.LOGIN
    )
    assert client.get(episodes[0].url).status_code == 302

    restriction.delete()

    assert client.get(episodes[0].url).status_code == 200
