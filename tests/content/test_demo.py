import os

import pytest
from django.apps import apps
from wagtail.images.models import Image

from courses.models import CoursePage
from website.content import demo
from website.content.models import ArticlePage, Category, EpisodePage

pytestmark = pytest.mark.django_db

OPENING = "Today we’re going to talk about a very, very simple tool that you can use for chronic"
CLOSING = "I highly recommend that you give it a shot."


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def episode_403():
    return EpisodePage.objects.get(number=403)


# Seeding twice changes nothing: tests/website/test_seed_demo.py (one re-seed for the suite).


def test_the_demo_has_episode_403_with_its_three_highlights(seeded):
    episode = episode_403()

    assert episode.title == "Backward Walking for Back Pain – Episode 403"
    assert episode.live
    assert [h.text for h in episode.highlights.all()] == [
        "Introduction to retro-walking",
        "Benefits of retro-walking",
        "Tips & progressions as you get started",
    ]


def test_episode_403_carries_the_spoken_article_verbatim_with_the_trainer_call_to_action(seeded):
    blocks = [(block.block_type, block.value) for block in episode_403().body]
    paragraphs = [str(value) for kind, value in blocks if kind == "paragraph"]

    assert OPENING in paragraphs[0]
    assert CLOSING in paragraphs[-1]
    assert len(paragraphs) == 9
    assert "“okay I want you to walk backward”" in "".join(paragraphs)
    assert [value["text"] for kind, value in blocks if kind == "trainer_finder"] == [
        "Looking for individualized coaching? Search trainers on our Find A Trainer page"
    ]
    assert [kind for kind, _ in blocks].index("trainer_finder") == 1


def test_episode_403_promotes_the_balance_gym_when_that_course_exists(seeded):
    course = CoursePage.objects.get(slug="the-balance-gym")

    promos = [block.value for block in episode_403().body if block.block_type == "course_promo"]
    assert [(p["text"], p["page"]) for p in promos] == [
        ("Learn more about the vestibular system with The Balance Gym", course)
    ]


def test_episode_403_leaves_the_course_promo_out_while_there_is_no_course():
    with open(os.devnull, "w") as quiet:
        demo.seed_site_tree(stdout=quiet)
        demo.seed(stdout=quiet)
    assert "course_promo" not in [block.block_type for block in episode_403().body]


def test_the_demo_features_courses_on_the_home_page(seeded):
    from website.content.models import HomePage

    featured = [link.course.slug for link in HomePage.objects.get().featured_courses.all()]
    assert "the-balance-gym" in featured


def test_the_demo_has_more_episodes_and_articles_in_several_categories_with_local_images(seeded):
    assert EpisodePage.objects.live().count() >= 6
    assert ArticlePage.objects.live().count() >= 6
    used = Category.objects.filter(articles__isnull=False).distinct().count()
    assert used >= 3
    assert all(article.hero_image for article in ArticlePage.objects.all())
    assert Image.objects.filter(file__endswith=".png").count() >= 12


def test_the_demo_episode_403_page_renders_for_visitors(client, seeded):
    response = client.get("/episodes/backward-walking-for-back-pain/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Backward Walking for Back Pain – Episode 403" in html
    assert "Video Highlights" in html
    assert "Explore articles by category" in html
