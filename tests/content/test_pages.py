import re
from html.parser import HTMLParser

import pytest
from wagtail.models import Page

from courses.demo import course_index as demo_course_index
from courses.models import CourseIndexPage
from tests.content.factories import (
    ArticlePageFactory,
    CategoryFactory,
    EpisodePageFactory,
    ImageFactory,
    StandardPageFactory,
)
from tests.courses.factories import CoursePageFactory
from trainers.models import TrainerDirectoryPage
from website.content.models import (
    ArticleIndexPage,
    ArticlePage,
    ContactPage,
    EpisodeHighlight,
    EpisodeIndexPage,
    EpisodePage,
    HomeFeaturedCourse,
    HomePage,
    RelatedEpisode,
    StandardPage,
)

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def video(url=YOUTUBE, **extra):
    return [
        (
            "video",
            {
                "title": "The drill",
                "url": url,
                "file": None,
                "captions": None,
                "poster": None,
                **extra,
            },
        )
    ]


class _Buttons(HTMLParser):
    def __init__(self):
        super().__init__()
        self.starts = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-video-start" in attrs:
            self.starts.append((tag, attrs["data-video-start"]))


@pytest.mark.parametrize(
    ("page_type", "parents", "children"),
    [
        (
            HomePage,
            {Page},
            {
                EpisodeIndexPage,
                ArticleIndexPage,
                CourseIndexPage,
                TrainerDirectoryPage,
                StandardPage,
                ContactPage,
            },
        ),
        (EpisodeIndexPage, {HomePage}, {EpisodePage}),
        (EpisodePage, {EpisodeIndexPage}, set()),
        (ArticleIndexPage, {HomePage}, {ArticlePage}),
        (ArticlePage, {ArticleIndexPage}, set()),
        (StandardPage, {HomePage, StandardPage}, {StandardPage, ContactPage}),
        (ContactPage, {HomePage, StandardPage}, set()),
    ],
)
def test_every_page_type_sits_only_where_the_site_tree_expects_it(page_type, parents, children):
    assert set(page_type.allowed_parent_page_models()) == parents
    assert set(page_type.allowed_subpage_models()) == children


def test_home_page_shows_featured_and_latest_episodes_articles_and_the_trainer_call_to_action(
    client, home_page, episode_index, article_index
):
    older = EpisodePageFactory(parent=episode_index, title="Older", number=1, date="2026-01-01")
    newest = EpisodePageFactory(parent=episode_index, title="Newest", number=2, date="2026-02-01")
    article = ArticlePageFactory(parent=article_index, title="Worth reading")

    response = client.get("/")

    assert response.context["featured_episode"] == newest
    assert response.context["latest_episodes"] == [older]
    assert list(response.context["latest_articles"]) == [article]
    html = response.content.decode()
    assert "Newest – Episode 2" in html and "Worth reading" in html
    assert 'href="/find-a-trainer/"' in html
    assert "Looking for individualized coaching? Search trainers on our Find A Trainer page" in html


def test_home_page_features_the_episode_the_editors_chose(client, home_page, episode_index):
    chosen = EpisodePageFactory(parent=episode_index, number=1, date="2026-01-01")
    EpisodePageFactory(parent=episode_index, number=2, date="2026-02-01")
    home_page.featured_episode = chosen
    home_page.save()

    assert client.get("/").context["featured_episode"] == chosen


def test_home_page_lists_featured_courses_in_the_editors_order_and_skips_unpublished_ones(
    client, home_page
):
    courses = demo_course_index()
    balance = CoursePageFactory(parent=courses, title="The Balance Gym", price_cents=14900)
    vision = CoursePageFactory(parent=courses, title="Vision Gym")
    draft = CoursePageFactory(parent=courses, title="Draft course", live=False)
    for order, course in enumerate([vision, draft, balance]):
        HomeFeaturedCourse.objects.create(page=home_page, course=course, sort_order=order)

    response = client.get("/")

    assert [c.title for c in response.context["featured_courses"]] == [
        "Vision Gym",
        "The Balance Gym",
    ]
    assert "Featured courses" in response.content.decode()
    assert "$149.00" in response.content.decode()


def test_home_page_without_featured_courses_leaves_the_block_out(client, home_page):
    response = client.get("/")

    assert response.status_code == 200
    assert response.context["featured_courses"] == []
    assert "Featured courses" not in response.content.decode()


def test_episode_title_always_ends_with_its_number(episode_index):
    episode = EpisodePageFactory(
        parent=episode_index, title="Backward Walking for Back Pain", number=403
    )
    assert episode.title == "Backward Walking for Back Pain – Episode 403"

    episode.title = "Backward Walking for Back Pain - Episode 400"
    episode.save()
    assert episode.title == "Backward Walking for Back Pain – Episode 403"


def test_episode_page_shows_number_video_highlights_and_body(client, episode_index):
    episode = EpisodePageFactory(
        parent=episode_index,
        title="Backward walking",
        video=video(),
        highlights=[
            EpisodeHighlight(text="Introduction", timestamp="0:00"),
            EpisodeHighlight(text="Benefits", timestamp="1:05"),
            EpisodeHighlight(text="Tips without a time"),
        ],
    )

    response = client.get(episode.url)

    html = response.content.decode()
    assert f"Episode {episode.number}</p>" in html
    assert "data-video-embed=" in html
    assert "Walk tall and breathe." in html
    buttons = _Buttons()
    buttons.feed(html)
    assert buttons.starts == [("button", "0"), ("button", "65")]
    assert "Tips without a time" in html


def test_highlight_timestamps_are_plain_text_when_the_episode_has_no_video(client, episode_index):
    episode = EpisodePageFactory(
        parent=episode_index, highlights=[EpisodeHighlight(text="Introduction", timestamp="0:30")]
    )

    html = client.get(episode.url).content.decode()

    assert "Introduction" in html
    assert "data-video-start" not in html


def test_episode_page_offers_the_newsletter_signup_beside_the_article(client, episode_index):
    episode = EpisodePageFactory(parent=episode_index)

    html = client.get(episode.url).content.decode()

    assert 'class="signup-aside card" aria-label="Newsletter"' in html
    assert "Signup to receive the latest training resources" in html


def test_trainer_call_to_action_links_the_trainer_directory_by_default(client, episode_index):
    text = "Looking for individualized coaching? Search trainers on our Find A Trainer page"
    block = {"text": text, "page": None, "url": "", "link_text": ""}
    episode = EpisodePageFactory(parent=episode_index, body=[("trainer_finder", block)])

    html = client.get(episode.url).content.decode()

    assert f'<a href="/find-a-trainer/">{text}</a>' in html


def test_course_promo_links_the_chosen_course_page_with_its_price(client, home_page, episode_index):
    course = CoursePageFactory(
        parent=demo_course_index(),
        title="The Balance Gym",
        slug="the-balance-gym",
        price_cents=14900,
    )
    text = "Learn more about the vestibular system with The Balance Gym"
    block = {"text": text, "page": course, "url": "", "link_text": ""}
    episode = EpisodePageFactory(parent=episode_index, body=[("course_promo", block)])

    html = client.get(episode.url).content.decode()

    assert f'<a href="/courses/the-balance-gym/">{text}</a>' in html
    assert ">The Balance Gym</a>" in html
    assert "$149.00" in html


def test_course_promo_disappears_when_its_course_is_unpublished_and_has_no_fallback(
    client, home_page, episode_index
):
    course = CoursePageFactory(parent=demo_course_index(), title="The Balance Gym")
    block = {"text": "Learn more with The Balance Gym", "page": course, "url": "", "link_text": ""}
    episode = EpisodePageFactory(parent=episode_index, body=[("course_promo", block)])
    course.unpublish()

    response = client.get(episode.url)

    assert response.status_code == 200
    assert "Learn more with The Balance Gym" not in response.content.decode()


def test_related_episodes_are_the_chosen_ones_when_editors_chose(client, episode_index):
    shared = CategoryFactory()
    chosen = EpisodePageFactory(parent=episode_index)
    EpisodePageFactory(parent=episode_index, categories=[shared])
    episode = EpisodePageFactory(
        parent=episode_index,
        categories=[shared],
        related_episode_links=[RelatedEpisode(episode=chosen)],
    )

    assert client.get(episode.url).context["related_episodes"] == [chosen]


def test_related_episodes_fall_back_to_live_episodes_sharing_a_category(client, episode_index):
    shared, other = CategoryFactory(), CategoryFactory()
    sibling = EpisodePageFactory(parent=episode_index, categories=[shared])
    EpisodePageFactory(parent=episode_index, categories=[shared], live=False)
    EpisodePageFactory(parent=episode_index, categories=[other])
    episode = EpisodePageFactory(parent=episode_index, categories=[shared])

    assert client.get(episode.url).context["related_episodes"] == [sibling]


def test_episode_index_lists_live_episodes_newest_first(client, episode_index):
    first = EpisodePageFactory(parent=episode_index, date="2026-01-01")
    second = EpisodePageFactory(parent=episode_index, date="2026-03-01")
    EpisodePageFactory(parent=episode_index, live=False)

    response = client.get("/episodes/")

    assert list(response.context["episodes"]) == [second, first]


def test_episode_index_past_the_last_page_shows_the_last_page(client, episode_index):
    for _ in range(13):
        EpisodePageFactory(parent=episode_index)

    response = client.get("/episodes/?page=999")

    assert response.status_code == 200
    assert response.context["episodes"].number == 2


def test_article_page_shows_byline_reading_time_and_hero_image(client, article_index):
    words = " ".join(["word"] * 700)
    article = ArticlePageFactory(
        parent=article_index,
        author="Priya Raman",
        hero_image=ImageFactory(),
        body=[("paragraph", f"<p>{words}</p>")],
    )

    response = client.get(article.url)

    html = response.content.decode()
    assert article.reading_minutes == 4
    assert "By Priya Raman" in html and "4 min read" in html
    assert 'class="article-hero"' in html


def test_a_short_article_still_takes_a_minute_to_read(article_index):
    assert ArticlePageFactory(parent=article_index, body=[]).reading_minutes == 1


def test_article_body_renders_every_shared_block(client, home_page, article_index):
    target = home_page.add_child(instance=Page(title="Somewhere", slug="somewhere"))
    image = ImageFactory()
    body = [
        ("heading", {"text": "A section", "level": "h2"}),
        ("paragraph", "<p>Some <b>rich</b> text.</p>"),
        ("image", {"image": image, "alt_text": "A runner", "caption": "Morning run"}),
        ("quote", {"quote": "Move well.", "attribution": "A coach"}),
        ("call_to_action", {"text": "Go somewhere", "page": target, "url": "", "link_text": "Go"}),
    ]
    article = ArticlePageFactory(parent=article_index, body=body)

    html = client.get(article.url).content.decode()

    assert "<h2>A section</h2>" in html
    assert "<b>rich</b>" in html
    assert 'alt="A runner"' in html and "Morning run" in html
    assert "Move well." in html and "— A coach" in html
    assert re.search(r'<a class="button button--small" href="/somewhere/">Go</a>', html)


def test_article_and_index_pages_list_the_categories_in_use(client, article_index):
    CategoryFactory(name="Unused", slug="unused")
    used = CategoryFactory(name="Balance", slug="balance")
    article = ArticlePageFactory(parent=article_index, categories=[used])

    for url in (article.url, "/articles/"):
        links = client.get(url).context["category_links"]
        assert links == [
            {"name": "Balance", "slug": "balance", "url": "/articles/category/balance/"}
        ]


def test_preview_renders_every_page_type(
    client, admin_user, home_page, episode_index, article_index
):
    client.force_login(admin_user)
    pages = [
        home_page,
        episode_index,
        article_index,
        EpisodePageFactory(parent=episode_index, video=video()),
        ArticlePageFactory(parent=article_index),
    ]
    for page in pages:
        response = page.make_preview_request()
        assert response.status_code == 200, page


def test_standard_page_shows_its_intro_and_body_with_the_seo_head(client, home_page):
    page = StandardPageFactory(
        parent=home_page,
        title="Refund policy",
        slug="refund-policy",
        intro="Fourteen days, no questions asked.",
        search_description="",
    )

    response = client.get(page.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Refund policy</h1>" in html
    assert "Fourteen days, no questions asked." in html
    assert "We refund any course within the window." in html
    # With no search description of its own, the intro describes the page when shared.
    assert '<meta property="og:description" content="Fourteen days, no questions asked.">' in html
    assert '<link rel="canonical" href="http://coachhouse.test:8123/refund-policy/">' in html


def test_standard_pages_nest_under_each_other(client, home_page):
    legal = StandardPageFactory(parent=home_page, title="Legal", slug="legal")
    terms = StandardPageFactory(parent=legal, title="Terms", slug="terms")

    assert client.get("/legal/terms/").status_code == 200
    assert terms.get_parent().specific == legal
