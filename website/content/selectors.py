"""Reads for the content pages: listings, related content and site search."""

import difflib
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from taggit.models import Tag
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


def _searchable_pages() -> QuerySet:
    return Page.objects.live().public().type(*searchable_page_types())


def search_pages(*, query: str):
    """Live, public pages of the `searchable_page_types` matching `query`, best first."""
    return _searchable_pages().specific().search(query)


# How alike a query and a title must be (pg_trgm word similarity, 0..1) to count as a match,
# and a suggested word and a typed one (difflib's ratio): "backwrd" finds "backward".
TRIGRAM_MIN_SIMILARITY = 0.35
SUGGESTION_MIN_RATIO = 0.75
_WORD = re.compile(r"[^\W\d_]{3,}")
VOCABULARY_SECONDS = 60 * 60


def search_vocabulary() -> frozenset[str]:
    """The lower-case words (3+ letters) of searchable pages' titles and of the tags in use,
    cached per content generation (a publish makes a new one)."""
    key = f"search-vocabulary:{current_content_generation()}"
    words = cache.get(key)
    if words is None:
        titles = list(_searchable_pages().values_list("title", flat=True))
        tags = list(
            Tag.objects.filter(
                Q(content_episodepagetag_items__isnull=False)
                | Q(content_articlepagetag_items__isnull=False)
            )
            .distinct()
            .values_list("name", flat=True)
        )
        words = frozenset(w.lower() for text in titles + tags for w in _WORD.findall(text))
        cache.set(key, words, VOCABULARY_SECONDS)
    return words


def search_suggestion(*, query: str) -> str | None:
    """ "Did you mean …?": the query with each word the site does not use replaced by the
    closest word it does use, or None when no word changes."""
    vocabulary = search_vocabulary()
    words, changed = [], False
    for word in query.lower().split():
        if len(word) < 3 or word in vocabulary:
            words.append(word)
            continue
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=SUGGESTION_MIN_RATIO)
        words.append(close[0] if close else word)
        changed = changed or bool(close)
    return " ".join(words) if changed else None


def similar_pages(*, query: str) -> QuerySet:
    """PostgreSQL only: searchable pages whose title or description is trigram-similar to
    `query` (pg_trgm's word similarity, which forgives typos), most similar first."""
    from django.contrib.postgres.search import TrigramWordSimilarity
    from django.db.models.functions import Greatest

    return (
        _searchable_pages()
        .annotate(
            similarity=Greatest(
                TrigramWordSimilarity(query, "title"),
                TrigramWordSimilarity(query, "search_description"),
            )
        )
        .filter(similarity__gte=TRIGRAM_MIN_SIMILARITY)
        .order_by("-similarity", "-first_published_at")
        .specific()
    )


@dataclass(frozen=True)
class SiteSearch:
    """What the search page shows: `results` for `searched` (the query, or the suggestion
    when the query found nothing), and how they were found."""

    results: object
    searched: str
    suggestion: str | None = None
    close_matches: bool = False


def site_search(*, query: str) -> SiteSearch:
    """Search that forgives typos. Exact (full-text) matches first; when there are none, on
    PostgreSQL the trigram-similar pages, elsewhere the results of "Did you mean …?" (the query
    spelled with the site's own words), which is also offered as a link either way."""
    results = search_pages(query=query)
    if results.count():
        return SiteSearch(results=results, searched=query)
    suggestion = search_suggestion(query=query)
    if connection.vendor == "postgresql" and (close := similar_pages(query=query)).exists():
        return SiteSearch(
            results=close,
            searched=query,
            suggestion=suggestion,
            close_matches=True,
        )
    if suggestion and connection.vendor != "postgresql":
        return SiteSearch(
            results=search_pages(query=suggestion), searched=suggestion, suggestion=suggestion
        )
    return SiteSearch(results=results, searched=query, suggestion=suggestion)


RESULT_LABELS = {"episodepage": "Episode", "articlepage": "Article", "coursepage": "Course"}


def search_result_label(page: Page) -> str:
    """What a result is, as a reader says it: "Episode 403", "Article", "Course"."""
    name = page._meta.model_name
    if name == "episodepage" and getattr(page, "number", None):
        return f"Episode {page.number}"
    return RESULT_LABELS.get(name) or str(page._meta.verbose_name).capitalize()


def current_content_generation() -> int:
    """The number cached pages are keyed by; see `ContentGeneration`."""
    return content.ContentGeneration.objects.values_list("value", flat=True).first() or 0
