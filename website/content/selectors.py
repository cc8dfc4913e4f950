"""Reads for the content pages: listings, related content and site search."""

import difflib
import re
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from taggit.models import Tag
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site

from courses.models import CoursePage
from website.content import models as content

MAX_QUERY_LENGTH = 200
_NOT_A_WORD = re.compile(r"[^\w\s'\u2019-]")


def searchable_page_types() -> list[type[Page]]:
    """The page types site search covers; add a model here to make it searchable."""
    return [content.EpisodePage, content.ArticlePage, CoursePage]


@dataclass(frozen=True)
class ViewRestrictions:
    """The restricted subtrees, as (restriction id, page path), and the alias pages' paths."""

    restricted: tuple[tuple[int, str], ...]
    aliases: tuple[str, ...]


def view_restrictions() -> ViewRestrictions:
    """Every view restriction's page path, read once per content generation (saving or deleting
    a restriction, and moving a page, retire it)."""
    from website.content.page_cache import generation_memo

    def read() -> ViewRestrictions:
        return ViewRestrictions(
            restricted=tuple(
                PageViewRestriction.objects.order_by("pk").values_list("pk", "page__path")
            ),
            aliases=tuple(
                Page.objects.filter(alias_of__isnull=False).values_list("path", flat=True)
            ),
        )

    return generation_memo("view_restrictions", read)


def public(pages: QuerySet) -> QuerySet:
    """Wagtail's `.public()` (no page under a view restriction) from the memoized restrictions:
    no query of its own."""
    paths = {path for _, path in view_restrictions().restricted}
    if not paths:
        return pages
    private = Q()
    for path in paths:
        private |= Q(path__startswith=path)
    return pages.exclude(private)


def live_episodes() -> QuerySet:
    """Live, public episodes, newest first."""
    return public(content.EpisodePage.objects.live()).order_by("-date", "-number")


def live_articles() -> QuerySet:
    """Live, public articles, newest first."""
    return public(content.ArticlePage.objects.live()).order_by("-date", "-pk")


def with_card_images(pages, *filters: str) -> list:
    """The pages as a list, each with its `card_image` (og image, else its own: a video poster
    or hero image) fetched for all of them in one query, with the renditions `filters` name."""
    pages = list(pages)
    wanted = {page: page.card_image_id() for page in pages}
    ids = {pk for pk in wanted.values() if pk}
    images = {}
    if ids:
        query = get_image_model().objects.filter(pk__in=ids)
        if filters:
            query = query.prefetch_renditions(*filters)
        images = {image.pk: image for image in query}
    for page, pk in wanted.items():
        page.card_image = images.get(pk)
    return pages


def with_video_documents(episodes) -> list:
    """The episodes as a list, each with its `video_document` (the self-hosted video file, or
    None) fetched for all of them in one query."""
    episodes = list(episodes)
    wanted = {episode: (episode.video_raw() or {}).get("file") for episode in episodes}
    ids = {pk for pk in wanted.values() if isinstance(pk, int)}
    documents = get_document_model().objects.in_bulk(ids) if ids else {}
    for episode, pk in wanted.items():
        episode.video_document = documents.get(pk)
    return episodes


def pages_along(*, root: Page, slugs: list[str]) -> list[tuple[int, type[Page]] | None]:
    """(id, specific class) of the page at each step of the path `slugs` below `root`, None from
    the first step that has no page. Kept per content generation (publishing, moving and
    deleting retire it); a path not seen yet costs one query for all its steps."""
    from website.content.page_cache import generation_memo

    known: dict[str, tuple[int, type[Page]]] = generation_memo("pages_along", dict)
    prefixes = [
        root.url_path + "".join(f"{slug}/" for slug in slugs[:depth])
        for depth in range(1, len(slugs) + 1)
    ]
    missing = [prefix for prefix in prefixes if prefix not in known]
    if missing:
        rows = Page.objects.filter(url_path__in=missing, path__startswith=root.path).values_list(
            "url_path", "pk", "content_type_id"
        )
        for url_path, pk, content_type_id in rows:
            page_class = ContentType.objects.get_for_id(content_type_id).model_class() or Page
            known[url_path] = (pk, page_class)
    return [known.get(prefix) for prefix in prefixes]


def ancestor_crumbs(*, page: Page) -> list[tuple[str, str]]:
    """(title, absolute URL) of the page's ancestors from the home page down, as breadcrumbs
    show them. Parent pages are few and change only on publish, so each process keeps them per
    content generation; the first page under a new parent reads it, with its siblings' parents,
    in one query."""
    from website.absolute_urls import absolute_url
    from website.content.page_cache import generation_memo

    known: dict[str, tuple[str, str]] = generation_memo("ancestor_crumbs", dict)
    paths = [page.path[: Page.steplen * depth] for depth in range(2, page.depth)]
    missing = [path for path in paths if path not in known]
    if missing:
        for ancestor in Page.objects.filter(path__in=missing):
            parts = ancestor.get_url_parts()
            known[ancestor.path] = (ancestor.title, absolute_url(parts[2]) if parts else "")
    return [known[path] for path in paths if path in known]


def categories_in_use() -> QuerySet:
    """Categories with at least one live episode or article, by name."""
    return content.Category.objects.filter(
        Q(episodes__live=True) | Q(articles__live=True)
    ).distinct()


def category_links() -> list[dict]:
    """Name, slug and URL of each category in use, for "Explore articles by category" lists;
    read once per content generation (publishing and category edits retire it)."""
    from website.content.page_cache import generation_memo

    def read() -> list[dict]:
        index = content.ArticleIndexPage.objects.live().first()
        if index is None:
            return []
        return [
            {"name": category.name, "slug": category.slug, "url": index.category_url(category)}
            for category in categories_in_use()
        ]

    return generation_memo("category_links", read)


@dataclass(frozen=True)
class TrustLinks:
    """The URLs of the live pages chosen in the "Trust pages" setting: `footer` as
    (label, url) in the footer's order; `terms` and `refund_policy` for checkout (or None)."""

    footer: tuple[tuple[str, str], ...]
    terms: str | None
    refund_policy: str | None


def trust_links(*, request) -> TrustLinks:
    """The trust pages' links for the request's site, read once per content generation
    (publishing and saving the setting retire it): the footer of every page shows them."""
    from website.content.page_cache import generation_memo

    site = Site.find_for_request(request)
    if site is None:
        return TrustLinks(footer=(), terms=None, refund_policy=None)
    known: dict[int, TrustLinks] = generation_memo("trust_links", dict)
    if site.pk not in known:
        setting = content.TrustPages.for_site(site)
        urls = {label: page.get_url(request) for label, page in setting.links()}
        known[site.pk] = TrustLinks(
            footer=tuple(urls.items()),
            terms=urls.get("Terms of sale"),
            refund_policy=urls.get("Refund policy"),
        )
    return known[site.pk]


def category_pages(*, category) -> QuerySet:
    """A category's live episodes and articles together, newest first, as their specific types."""
    return (
        public(Page.objects.live())
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
    return public(Page.objects.live()).type(*searchable_page_types())


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
