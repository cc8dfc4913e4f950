import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from wagtail.contrib.redirects.models import Redirect

from tests.content.factories import (
    ArticlePageFactory,
    CategoryFactory,
    EpisodePageFactory,
    ImageFactory,
)
from website.content.models import EpisodeHighlight

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class _Head(HTMLParser):
    """Collects JSON-LD blocks, meta properties and link rels from a page."""

    def __init__(self):
        super().__init__()
        self.json_ld, self.meta, self.links = [], {}, {}
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True
        elif tag == "meta" and "property" in attrs:
            self.meta[attrs["property"]] = attrs["content"]
        elif tag == "link":
            self.links.setdefault(attrs["rel"], attrs["href"])

    def handle_endtag(self, tag):
        self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append(json.loads(data))


def head_of(client, url):
    parser = _Head()
    parser.feed(client.get(url).content.decode())
    return parser


def by_type(blocks, kind):
    return next(block for block in blocks if block["@type"] == kind)


def test_episode_json_ld_is_a_video_object_with_a_clip_per_timestamped_highlight(
    client, episode_index
):
    video = {
        "title": "Drill",
        "url": "https://youtu.be/dQw4w9WgXcQ",
        "file": None,
        "captions": None,
        "poster": ImageFactory(),
    }
    episode = EpisodePageFactory(
        parent=episode_index,
        title="Backward walking",
        number=403,
        date="2026-11-10",
        video=[("video", video)],
        highlights=[
            EpisodeHighlight(text="Introduction", timestamp="0:00"),
            EpisodeHighlight(text="No time given"),
            EpisodeHighlight(text="Benefits", timestamp="1:05"),
        ],
    )

    data = by_type(head_of(client, episode.url).json_ld, "VideoObject")

    assert data["name"] == "Backward walking – Episode 403"
    assert data["uploadDate"] == "2026-11-10"
    assert data["embedUrl"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert data["thumbnailUrl"][0].startswith("http://coachhouse.test:8123/media/images/")
    assert data["hasPart"] == [
        {
            "@type": "Clip",
            "name": "Introduction",
            "startOffset": 0,
            "endOffset": 65,
            "url": f"http://coachhouse.test:8123{episode.url}?t=0",
        },
        {
            "@type": "Clip",
            "name": "Benefits",
            "startOffset": 65,
            "url": f"http://coachhouse.test:8123{episode.url}?t=65",
        },
    ]


def test_a_video_length_is_the_video_objects_duration_and_ends_its_last_clip(client, episode_index):
    video = {"title": "Drill", "url": "https://youtu.be/dQw4w9WgXcQ", "duration": "6:48"}
    episode = EpisodePageFactory(
        parent=episode_index,
        video=[("video", video)],
        highlights=[
            EpisodeHighlight(text="Introduction", timestamp="0:00"),
            EpisodeHighlight(text="Tips", timestamp="2:20"),
        ],
    )

    data = by_type(head_of(client, episode.url).json_ld, "VideoObject")

    assert data["duration"] == "PT6M48S"
    assert [(c["startOffset"], c["endOffset"]) for c in data["hasPart"]] == [(0, 140), (140, 408)]


def test_a_video_without_a_length_has_no_duration_and_its_last_clip_no_end(client, episode_index):
    video = {"title": "Drill", "url": "https://youtu.be/dQw4w9WgXcQ"}
    episode = EpisodePageFactory(
        parent=episode_index,
        video=[("video", video)],
        highlights=[EpisodeHighlight(text="Tips", timestamp="2:20")],
    )

    data = by_type(head_of(client, episode.url).json_ld, "VideoObject")

    assert "duration" not in data
    assert "endOffset" not in data["hasPart"][0]


def test_json_ld_cannot_close_its_script_element(client, article_index):
    article = ArticlePageFactory(parent=article_index, title="</script><script>alert(1)</script>")

    html = client.get(article.url).content.decode()

    assert "</script><script>alert(1)" not in html
    assert by_type(head_of(client, article.url).json_ld, "Article")["headline"] == article.title


def test_article_json_ld_names_headline_author_date_and_image(client, article_index):
    article = ArticlePageFactory(
        parent=article_index,
        title="Ear health",
        author="Marcus Lee",
        date="2026-11-05",
        hero_image=ImageFactory(),
    )

    data = by_type(head_of(client, article.url).json_ld, "Article")

    assert data["headline"] == "Ear health"
    assert data["author"] == {"@type": "Person", "name": "Marcus Lee"}
    assert data["datePublished"] == "2026-11-05"
    assert data["image"][0].startswith("http://coachhouse.test:8123/media/images/")


def test_breadcrumb_list_walks_from_home_to_the_page(client, article_index):
    article = ArticlePageFactory(parent=article_index, title="Ear health")

    data = by_type(head_of(client, article.url).json_ld, "BreadcrumbList")

    assert [(i["position"], i["name"], i["item"]) for i in data["itemListElement"]] == [
        (1, "Home", "http://coachhouse.test:8123/"),
        (2, "Articles", "http://coachhouse.test:8123/articles/"),
        (3, "Ear health", f"http://coachhouse.test:8123{article.url}"),
    ]


def test_category_page_breadcrumbs_end_with_the_category(client, article_index):
    category = CategoryFactory(name="Balance", slug="balance")
    ArticlePageFactory(parent=article_index, categories=[category])

    data = by_type(head_of(client, "/articles/category/balance/").json_ld, "BreadcrumbList")

    assert data["itemListElement"][-1]["name"] == "Balance"
    assert (
        data["itemListElement"][-1]["item"]
        == "http://coachhouse.test:8123/articles/category/balance/"
    )


def test_pages_carry_canonical_url_seo_title_description_and_share_image(client, article_index):
    article = ArticlePageFactory(
        parent=article_index,
        title="Ear health",
        seo_title="Inner ear health, explained",
        search_description="What your inner ear does for balance.",
        og_image=ImageFactory(),
    )

    response = client.get(article.url + "?utm_source=newsletter")
    head = _Head()
    head.feed(response.content.decode())

    assert head.links["canonical"] == f"http://coachhouse.test:8123{article.url}"
    assert "<title>Inner ear health, explained · Coachhouse</title>" in response.content.decode()
    assert head.meta["og:title"] == "Inner ear health, explained"
    assert head.meta["og:description"] == "What your inner ear does for balance."
    og_image = head.meta["og:image"]
    assert re.match(r"http://coachhouse.test:8123/media/images/.*fill-1200x630", og_image)


def test_an_episode_shares_its_video_poster_when_no_share_image_is_set(client, episode_index):
    poster = ImageFactory()
    video = {
        "title": "Drill",
        "url": "https://youtu.be/dQw4w9WgXcQ",
        "file": None,
        "captions": None,
        "poster": poster,
    }
    episode = EpisodePageFactory(parent=episode_index, video=[("video", video)])

    assert episode.share_image() == poster
    assert "og:image" in head_of(client, episode.url).meta


def test_sitemap_lists_live_pages_and_category_pages(client, article_index, episode_index):
    category = CategoryFactory(slug="balance")
    article = ArticlePageFactory(parent=article_index, categories=[category])
    episode = EpisodePageFactory(parent=episode_index)
    draft = EpisodePageFactory(parent=episode_index, live=False)

    response = client.get("/sitemap.xml")
    document = ET.fromstring(response.content)  # noqa: S314 - our own response
    locations = [loc.text for loc in document.iter(f"{SITEMAP}loc")]

    assert response.status_code == 200
    assert "http://coachhouse.test:8123/articles/category/balance/" in locations
    assert f"http://coachhouse.test:8123{article.url}" in locations
    assert f"http://coachhouse.test:8123{episode.url}" in locations
    assert f"http://coachhouse.test:8123{draft.url}" not in locations


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")

    body = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://coachhouse.test:8123/sitemap.xml" in body
    assert "Disallow: /admin/" in body and "Disallow: /account/" in body


def test_an_editor_made_redirect_sends_visitors_to_the_moved_page(client, article_index):
    article = ArticlePageFactory(parent=article_index, title="Ear health")
    Redirect.objects.create(old_path="/blog/ear-health", redirect_page=article)

    response = client.get("/blog/ear-health/")

    assert response.status_code == 301
    assert response["Location"] == article.url
