"""A shared cache of Wagtail pages as rendered for anonymous visitors.

Anonymous renderings are identical for everyone (the mini-cart fills itself from JSON,
the newsletter form carries no CSRF token), so one rendering serves all of them until
published content changes. The middleware answers a hit before any routing or session
work; it stores only responses that a page's `serve` marked shareable, so account, shop
and admin views are never cached. Signed-in visitors read the same rendering (privately)
unless the page shows them something of their own (`rendering_varies_by_visitor`);
previews, messages and unknown query strings always get a fresh rendering.
"""

import contextlib
import copy
import hashlib
import math
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from website.content import selectors, services
from website.content.models import Category, TrustPages

T = TypeVar("T")

CACHE_SECONDS = 60 * 60
BROWSER_SECONDS = 60
CACHEABLE_PARAMS = {"page"}
# How long a process trusts the content generation it last read from the database: other
# processes see a publish within this long, and a cache hit usually needs no query at all.
GENERATION_SECONDS = 1.0

_generation: tuple[int, float] = (0, -GENERATION_SECONDS)
# Site-wide facts that change only with the generation, per process: name -> (generation, value).
_memos: dict[str, tuple[int, object]] = {}


def _content_generation() -> int:
    global _generation  # a per-process memo, replaced whole
    value, read_at = _generation
    now = time.monotonic()
    if now - read_at >= GENERATION_SECONDS:
        value = selectors.current_content_generation()
        _generation = (value, now)
    return value


def content_generation() -> int:
    """The content generation as this process last read it (at most GENERATION_SECONDS old);
    raises DatabaseError on an outage."""
    return _content_generation()


def forget_content_generation() -> None:
    """Make this process read the generation afresh on its next request (and drop its memos)."""
    global _generation
    _generation = (0, -GENERATION_SECONDS)
    _memos.clear()


def generation_memo(name: str, compute: Callable[[], T]) -> T:
    """`compute()`, once per content generation in this process.

    For what every page shows and only a publish changes (category links, the promotion
    banner, breadcrumbs, view restrictions, the Site): whatever can change it retires the
    generation (`connect_signals`), so a rendering never reads it from the database again
    until then. Another process sees a change within GENERATION_SECONDS, as for cached pages.
    The value is shared by every request of the process: callers must not change it.
    """
    try:
        generation = _content_generation()
    except DatabaseError:
        return compute()  # the view underneath answers for the outage
    memo = _memos.get(name)
    if memo is not None and memo[0] == generation:
        return memo[1]
    value = compute()
    _memos[name] = (generation, value)
    return value


def rendering_varies_by_visitor(request, *, course_id: int | None = None) -> None:
    """Whatever renders something for the signed-in visitor alone (their progress in a
    course) says so, for anonymous renderings too: such a page's shared rendering is then
    stored for anonymous visitors only, and signed-in ones always get their own.

    `course_id`: what varies is only whether the visitor owns that course (the `owned_course`
    tag), so a page fragment (website/content/fragments.py) rendered for someone who owns none
    of its courses is the anonymous one."""
    request.page_varies_by_visitor = True
    if course_id is None:
        request.page_varies_beyond_courses = True
    else:
        courses = getattr(request, "page_varies_with_courses", None) or frozenset()
        request.page_varies_with_courses = courses | {course_id}


def _cache_key(request) -> str | None:
    """The key for this request's shared rendering, or None when it must be rendered afresh.

    Signed-in visitors share it too (to read, never to store: only anonymous renderings are
    stored), for pages whose rendering does not depend on the visitor, with the footer's
    account links set for them (`_as_signed_in`); messages always mean a fresh rendering."""
    if request.method not in ("GET", "HEAD"):
        return None
    if set(request.GET) - CACHEABLE_PARAMS or len(messages.get_messages(request)):
        return None
    shared = _shared_identity(request)
    if shared is None:
        return None
    generation, identity = shared
    digest = hashlib.sha256(identity.encode()).hexdigest()
    return f"pages:v2:{generation}:{digest}"  # v2: (content, type, for everyone)


def _shared_identity(request) -> tuple[int, str] | None:
    """(content generation, host + path + page number) of a request whose rendering may be
    shared, or None: unknown parameters, a bad page number, or the database is out (the view
    underneath answers for the outage, 503)."""
    if set(request.GET) - CACHEABLE_PARAMS:
        return None
    page_number = request.GET.get("page", "")
    if page_number and not (page_number.isdigit() and len(page_number) <= 6):
        return None
    try:
        generation = _content_generation()
    except DatabaseError:
        return None
    return generation, f"{request.get_host()}\n{request.path}\n{page_number}"


def page_cache_expires_by(request, at: datetime | None) -> None:
    """Whatever renders time-dependent content (a promotion's banner) says when it changes: the
    shared rendering of this request is then kept no longer than until `at` (None: no limit)."""
    if at is None:
        return
    current = getattr(request, "page_cache_expires_at", None)
    request.page_cache_expires_at = at if current is None else min(current, at)


def page_cache_timeout(request) -> int:
    """Seconds the shared rendering may be kept: CACHE_SECONDS, or less when the page shows
    something that changes sooner (0: not at all)."""
    at = getattr(request, "page_cache_expires_at", None)
    if at is None:
        return CACHE_SECONDS
    return max(0, min(CACHE_SECONDS, math.floor((at - timezone.now()).total_seconds())))


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _cache_key(request)
        signed_in = request.user.is_authenticated
        if key and (hit := cache.get(key)):
            content, content_type, for_everyone = hit
            if not signed_in:
                return _public(HttpResponse(content, content_type=content_type))
            if for_everyone:
                return _private(HttpResponse(_as_signed_in(content), content_type=content_type))
        response = self.get_response(request)
        if not getattr(response, "is_shareable_page", False):
            return response
        if key is None or signed_in or _carries_visitor_state(request, response):
            return _private(response)
        timeout = page_cache_timeout(request)
        if request.method == "GET" and response.status_code == 200 and timeout > 0:
            for_everyone = not getattr(request, "page_varies_by_visitor", False)
            cache.set(key, (response.content, response["Content-Type"], for_everyone), timeout)
            response.page_cache_timeout = timeout  # for PageCacheReplayMiddleware above
        return _public(response)


class PageCacheReplayMiddleware:
    """Answers a repeat anonymous visit near the top of the stack, before sessions, CSRF,
    authentication, messages, CSP and the rest run: the response as the whole stack finished
    it the first time (compressed or not, with its CSP, framing and ETag headers), replayed.

    Below SecurityMiddleware (HTTPS redirect, HSTS and its other headers still apply) and the
    static and media file servers. A visitor counts as anonymous here only without a session
    or messages cookie (a logged-in visitor always has the session cookie); anyone else, and
    every miss, goes down the stack to PageCacheMiddleware, which decides what may be shared
    and marks what it stored. Keyed like it, by the content generation, and kept as long.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _replay_key(request)
        if key and (hit := cache.get(key)):
            return replayed_response(request, *hit)
        response = self.get_response(request)
        timeout = getattr(response, "page_cache_timeout", 0)
        if key and timeout and response.status_code == 200 and not response.cookies:
            cache.set(key, (list(response.items()), response.content), timeout)
        return response


def _replay_key(request) -> str | None:
    if request.method not in ("GET", "HEAD"):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return None
    shared = _shared_identity(request)
    if shared is None:
        return None
    generation, identity = shared
    gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    identity = f"{identity}\n{gzip}"
    return f"pages-replay:{generation}:{hashlib.sha256(identity.encode()).hexdigest()}"


def replayed_response(request, headers: list[tuple[str, str]], content: bytes) -> HttpResponse:
    """A stored response (its headers as the whole stack finished them, and its body) again."""
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    # As ConditionalGetMiddleware would answer: 304 when the visitor has this version.
    return get_conditional_response(request, etag=response.get("ETag"), response=response)


def _carries_visitor_state(request, response) -> bool:
    """A rendering that set a cookie or used a CSRF token belongs to this visitor alone."""
    return bool(response.cookies) or bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))


def _as_signed_in(content: bytes) -> bytes:
    """The anonymous rendering's account links as a signed-in visitor gets them from the
    server (templates/components/site_footer.html): "Log out" shown, "Log in" and "Sign up"
    hidden, as static/js/mini-cart.js would set them, so the page is right before (or
    without) the script. Rich text cannot carry these attributes, so only the footer's match."""
    return content.replace(b"<li data-signed-out>", b"<li data-signed-out hidden>").replace(
        b"<li data-signed-in hidden>", b"<li data-signed-in>"
    )


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_cache=True, max_age=0)
    patch_vary_headers(response, ["Cookie"])
    return response


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
    patch_vary_headers(response, ["Cookie"])
    return response


def retire_cached_pages(**kwargs) -> None:
    """A signal receiver: every cached rendering is retired, in this process at once."""
    services.content_generation_bump()
    forget_content_generation()
    # Requests that read the old number before the publish committed must not keep it.
    transaction.on_commit(forget_content_generation)


def _retire_on_trust_pages_change(sender, created, **kwargs) -> None:
    # The footer links them. Not on creation: the first page rendered for a site creates its
    # (empty) setting row, which must not retire the rendering it is part of.
    if not created:
        retire_cached_pages()


def connect_signals() -> None:
    """Anything that can change what a published page shows retires the cached pages."""
    page_signals = {
        "published": page_published,
        "unpublished": page_unpublished,
        "slug_changed": page_slug_changed,
        "moved": post_page_move,
    }
    post_save.connect(
        _retire_on_trust_pages_change, sender=TrustPages, dispatch_uid="page_cache:TrustPages:saved"
    )
    for name, signal in page_signals.items():
        signal.connect(retire_cached_pages, dispatch_uid=f"page_cache:page_{name}")
    post_delete.connect(retire_cached_pages, sender=Page, dispatch_uid="page_cache:page_deleted")
    for model in (Category, PageViewRestriction, Site):
        post_save.connect(
            retire_cached_pages, sender=model, dispatch_uid=f"page_cache:{model.__name__}:saved"
        )
        post_delete.connect(
            retire_cached_pages, sender=model, dispatch_uid=f"page_cache:{model.__name__}:deleted"
        )


# How many (host, port) pairs a process remembers a Site for; beyond that it asks the database.
KNOWN_SITES_LIMIT = 64


class KnownSiteMiddleware:
    """Wagtail's Site for the request, and its specific root page, from the generation memo.

    Wagtail finds both afresh for every page (two queries) and keeps them on the request
    (`request._wagtail_site`); here each process finds them once per content generation, and
    every request gets its own copy of the two objects. Site edits retire the generation.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # On an outage Wagtail asks again, and the view underneath answers for it (503).
        with contextlib.suppress(DatabaseError):
            request._wagtail_site = known_site(request)
        return self.get_response(request)


def known_site(request) -> Site | None:
    sites = generation_memo("sites", dict)
    key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    if key not in sites:
        site = Site.find_for_request(request)
        if site is not None:
            site.root_page = site.root_page.specific
        if len(sites) >= KNOWN_SITES_LIMIT:
            return site
        sites[key] = site
    site = sites[key]
    if site is None:
        return None
    # Model instances copy with their own state and relation caches (Model.__reduce__).
    mine = copy.copy(site)
    mine.root_page = copy.copy(site.root_page)
    return mine
