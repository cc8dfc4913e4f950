"""Rendered fragments of pages, shared per content generation (issue #16).

`{% generation_cache "name" vary_on… %}…{% endgeneration_cache %}` (content_tags) keeps the
HTML of what it encloses until a publish retires the content generation, like the page
cache, but for every visitor and for renderings the page cache never stores (a signed-in
visitor's, a query string's). The rules are the page cache's:

- A fragment that renders something for the visitor alone says so as pages do
  (`page_cache.rendering_varies_by_visitor`, e.g. the `owned_course` tag in a course promo).
  That mark is stored with the fragment and set again on every hit, so the page around it is
  still treated as varying (the page cache then keeps it for anonymous visitors only). Such
  a fragment is shared among anonymous visitors only: a signed-in visitor always renders it
  afresh (their own courses) and never stores it.
- A fragment that used a CSRF token is not stored (the token is the visitor's).
- A fragment that shows something time-dependent (`page_cache.page_cache_expires_by`) is kept
  no longer than that moment, which is set again on a hit.
- Previews, and renderings without a request or a content generation (a database outage),
  are rendered and not stored.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone

from website.content import page_cache


@dataclass(frozen=True)
class _Rendered:
    html: str
    varies_by_visitor: bool
    expires_at: datetime | None


def fragment_key(request, name: str, vary_on: tuple) -> str | None:
    """The cache key of this fragment for the current generation, or None: not shareable."""
    if request is None or getattr(request, "is_preview", False):
        return None
    try:
        generation = page_cache.content_generation()
    except DatabaseError:
        return None
    identity = "\n".join([request.get_host(), name, *(str(part) for part in vary_on)])
    return f"fragments:v1:{generation}:{hashlib.sha256(identity.encode()).hexdigest()}"


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _apply(request, rendered: _Rendered) -> None:
    """What rendering the fragment said about the page, said again for this request."""
    if rendered.varies_by_visitor:
        page_cache.rendering_varies_by_visitor(request)
    page_cache.page_cache_expires_by(request, rendered.expires_at)


def cached_fragment(request, name: str, vary_on: tuple, render) -> str:
    """`render()`'s HTML, shared per content generation as the module says."""
    key = fragment_key(request, name, vary_on)
    if key is None:
        return render()
    hit = cache.get(key)
    if hit is not None and not (hit.varies_by_visitor and _signed_in(request)):
        _apply(request, hit)
        return hit.html
    rendered, used_csrf = _render_watched(request, render)
    if used_csrf or (rendered.varies_by_visitor and _signed_in(request)):
        return rendered.html
    timeout = page_cache.CACHE_SECONDS
    if rendered.expires_at is not None:
        seconds = (rendered.expires_at - timezone.now()).total_seconds()
        timeout = max(0, min(timeout, math.floor(seconds)))
    if timeout > 0:
        cache.set(key, rendered, timeout)
    return rendered.html


def _render_watched(request, render) -> tuple[_Rendered, bool]:
    """Render with the request's page marks cleared, to see what this fragment alone says
    (and whether it used a CSRF token), then keep the page's marks with the fragment's."""
    varies = getattr(request, "page_varies_by_visitor", False)
    expires = getattr(request, "page_cache_expires_at", None)
    csrf = request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
    request.page_varies_by_visitor = False
    request.page_cache_expires_at = None
    try:
        html = render()
    finally:
        rendered = _Rendered(
            html="",
            varies_by_visitor=request.page_varies_by_visitor,
            expires_at=request.page_cache_expires_at,
        )
        used_csrf = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        request.page_varies_by_visitor = varies
        request.page_cache_expires_at = expires
        if csrf is not None and not used_csrf:
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = csrf
        _apply(request, rendered)
    return _Rendered(html, rendered.varies_by_visitor, rendered.expires_at), used_csrf
