"""Factories for content pages; pass `parent=` (an index page) to attach a page to the tree."""

from datetime import date

import factory
from wagtail.rich_text import RichText
from wagtail.test.utils.wagtail_factories import DocumentFactory, ImageFactory, PageFactory

from website.content.models import ArticlePage, Category, EpisodePage, StandardPage

__all__ = [
    "ArticlePageFactory",
    "CategoryFactory",
    "DocumentFactory",
    "EpisodePageFactory",
    "ImageFactory",
    "StandardPageFactory",
    "publish",
]


def publish(page):
    """Publish the page's current state as a revision, as the admin does (signals included)."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page


class CategoryFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    description = "Everything about this topic."

    class Meta:
        model = Category


class EpisodePageFactory(PageFactory):
    title = factory.Sequence(lambda n: f"Drills for topic {n}")
    slug = factory.Sequence(lambda n: f"episode-{n}")
    number = factory.Sequence(lambda n: 1000 + n)
    date = date(2026, 1, 15)
    summary = "A short episode about moving well."
    body = factory.LazyFunction(lambda: [("paragraph", RichText("<p>Walk tall and breathe.</p>"))])

    class Meta:
        model = EpisodePage


class ArticlePageFactory(PageFactory):
    title = factory.Sequence(lambda n: f"Notes on topic {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    author = "Dana Whitfield"
    date = date(2026, 1, 10)
    summary = "A short article about moving well."
    body = factory.LazyFunction(
        lambda: [("paragraph", RichText("<p>Read slowly and move often.</p>"))]
    )

    class Meta:
        model = ArticlePage


class StandardPageFactory(PageFactory):
    title = factory.Sequence(lambda n: f"About part {n}")
    slug = factory.Sequence(lambda n: f"about-{n}")
    intro = "What this page is about."
    body = factory.LazyFunction(
        lambda: [("paragraph", RichText("<p>We refund any course within the window.</p>"))]
    )

    class Meta:
        model = StandardPage
