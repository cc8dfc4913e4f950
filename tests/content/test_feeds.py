import xml.etree.ElementTree as ET

import pytest
from django.core.files.base import ContentFile

from tests.content.factories import (
    ArticlePageFactory,
    CategoryFactory,
    DocumentFactory,
    EpisodePageFactory,
)

pytestmark = pytest.mark.django_db


def channel(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel")


def test_episode_feed_lists_live_episodes_newest_first_with_absolute_links(client, episode_index):
    category = CategoryFactory(name="Balance")
    EpisodePageFactory(parent=episode_index, title="Older", number=1, date="2026-01-01")
    EpisodePageFactory(
        parent=episode_index, title="Newer", number=2, date="2026-02-01", categories=[category]
    )
    EpisodePageFactory(parent=episode_index, title="Draft", number=3, live=False)

    items = channel(client, "/episodes/feed/").findall("item")

    assert [item.findtext("title") for item in items] == ["Newer – Episode 2", "Older – Episode 1"]
    assert items[0].findtext("link").startswith("http://coachhouse.test:8123/episodes/")
    assert items[0].findtext("category") == "Balance"
    assert items[0].findtext("pubDate").startswith("Sun, 01 Feb 2026")


def test_episode_feed_carries_an_enclosure_for_a_self_hosted_video(client, episode_index):
    document = DocumentFactory(
        title="Episode video", file=ContentFile(b"0" * 2048, name="episode.mp4")
    )
    video = {"title": "Drill", "url": "", "file": document, "captions": None, "poster": None}
    EpisodePageFactory(parent=episode_index, video=[("video", video)])

    enclosure = channel(client, "/episodes/feed/").find("item/enclosure")

    assert enclosure.get("url").startswith("http://coachhouse.test:8123/documents/")
    assert enclosure.get("url").endswith("/episode.mp4")
    assert enclosure.get("length") == "2048"
    assert enclosure.get("type") == "video/mp4"


def test_episode_feed_has_no_enclosure_for_a_provider_video(client, episode_index):
    video = {
        "title": "Drill",
        "url": "https://youtu.be/dQw4w9WgXcQ",
        "file": None,
        "captions": None,
        "poster": None,
    }
    EpisodePageFactory(parent=episode_index, video=[("video", video)])

    assert channel(client, "/episodes/feed/").find("item/enclosure") is None


def test_article_feed_lists_live_articles_with_their_summaries(client, article_index):
    ArticlePageFactory(
        parent=article_index, title="Ear health", summary="Why the inner ear matters."
    )

    items = channel(client, "/articles/feed/").findall("item")

    assert [item.findtext("title") for item in items] == ["Ear health"]
    assert items[0].findtext("description") == "Why the inner ear matters."


def test_pages_advertise_both_feeds(client, home_page):
    html = client.get("/").content.decode()

    for title, href in (("episodes", "/episodes/feed/"), ("articles", "/articles/feed/")):
        link = f'<link rel="alternate" type="application/rss+xml" title="Coachhouse {title}"'
        assert f'{link} href="{href}">' in html
