"""Reads for the content pages: listings, related content and site search."""

import re

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from wagtail.models import Page

from courses.models import CoursePage
from website.content import models as content

MAX_QUERY_LENGTH = 200
_NOT_A_WORD = re.compile(r"[^\w\s'\u2019-]")


def searchable_page_types() -> list[type[Page]]:
    """The page types site search covers; add a model here to make it searchable."""
    return [content.EpisodePage, content.ArticlePage, CoursePage]


def live_episodes() -> QuerySet:
    """Live, public episodes, newest first."""
    return content.EpisodePage.objects.live().public().order_by("-date", "-number")


def live_articles() -> QuerySet:
    """Live, public articles, newest first."""
    return (
        content.ArticlePage.objects.live()
        .public()
        .select_related("hero_image")
        .order_by("-date", "-pk")
    )


def categories_in_use() -> QuerySet:
    """Categories with at least one live episode or article, by name."""
    return content.Category.objects.filter(
        Q(episodes__live=True) | Q(articles__live=True)
    ).distinct()


def category_links(*, request=None) -> list[dict]:
    """Name, slug and URL of each category in use, for "Explore articles by category" lists."""
    index = content.ArticleIndexPage.objects.live().first()
    if index is None:
        return []
    return [
        {"name": category.name, "slug": category.slug, "url": index.category_url(category, request)}
        for category in categories_in_use()
    ]


def category_pages(*, category) -> QuerySet:
    """A category's live episodes and articles together, newest first, as their specific types."""
    return (
        Page.objects.live()
        .public()
        .filter(Q(episodepage__categories=category) | Q(articlepage__categories=category))
        .annotate(sort_date=Coalesce("episodepage__date", "articlepage__date"))
        .order_by("-sort_date", "-pk")
        .specific()
    )


def related_episodes(*, episode, limit: int = 3) -> list:
    """The editor's chosen related episodes that are live; else the latest sharing a category."""
    chosen = [
        link.episode
        for link in episode.related_episode_links.select_related("episode")
        if link.episode.live and link.episode.pk != episode.pk
    ]
    if chosen:
        return chosen[:limit]
    if not episode.pk:
        return []
    return list(
        live_episodes()
        .filter(categories__in=episode.categories.all())
        .exclude(pk=episode.pk)
        .distinct()[:limit]
    )


def featured_courses(*, home) -> list[CoursePage]:
    """The live courses the editors featured on the home page, in their order."""
    links = home.featured_courses.select_related("course")
    return [link.course for link in links if link.course.live]


def clean_query(raw: str) -> str:
    """The query as the backend gets it: words, hyphens and apostrophes, single spaces, capped.

    Quotes, brackets and symbols are query syntax to some full-text engines (SQLite's FTS5
    fails on an unbalanced quote), so they never reach one.
    """
    words = _NOT_A_WORD.sub(" ", raw).split()
    return " ".join(words)[:MAX_QUERY_LENGTH].strip()


def search_pages(*, query: str):
    """Live, public pages of the `searchable_page_types` matching `query`, best first."""
    return Page.objects.live().public().type(*searchable_page_types()).specific().search(query)


def current_content_generation() -> int:
    """The number cached pages are keyed by; see `ContentGeneration`."""
    return content.ContentGeneration.objects.values_list("value", flat=True).first() or 0
