"""Rendered fragments of pages, shared per content generation (issue #16).

`{% generation_cache "name" vary_on… %}…{% endgeneration_cache %}` (content_tags) keeps the
HTML of what it encloses until a publish retires the content generation, like the page
cache, but for every visitor and for renderings the page cache never stores (a signed-in
visitor's, a query string's). The rules are the page cache's:

- A fragment that renders something for the visitor alone says so as pages do
  (`page_cache.rendering_varies_by_visitor`, e.g. the `owned_course` tag in a course promo).
  That mark is stored with the fragment and set again on every hit, so the page around it is
  still treated as varying (the page cache then keeps it for anonymous visitors only). Such
  a fragment is stored from anonymous renderings only. A signed-in visitor reads it only
  when all it varies with is courses (`owned_course`) and they own none of them (an active
  enrollment, `owned_course_ids`), since they then see what anonymous visitors see;
  otherwise they render it afresh (their own courses) and never store it.
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
    # The courses it varies with (whether the visitor owns them); None: with more than that.
    courses: frozenset[int] | None = None


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


def _stored(key: str) -> _Rendered | None:
    return cache.get(key)


def _readable_by(request, rendered: _Rendered) -> bool:
    """Whether this visitor sees the fragment as it was stored (from an anonymous rendering)."""
    if not rendered.varies_by_visitor or not _signed_in(request):
        return True
    if rendered.courses is None:
        return False
    owned = getattr(request, "_owned_course_ids", None)
    if owned is None:
        from courses.selectors import owned_course_ids

        owned = request._owned_course_ids = owned_course_ids(user=request.user)
    return not (rendered.courses & owned)


def _apply(request, rendered: _Rendered) -> None:
    """What rendering the fragment said about the page, said again for this request."""
    if rendered.varies_by_visitor:
        if rendered.courses is None:
            page_cache.rendering_varies_by_visitor(request)
        for course_id in rendered.courses or ():
            page_cache.rendering_varies_by_visitor(request, course_id=course_id)
    page_cache.page_cache_expires_by(request, rendered.expires_at)


def cached_fragment(request, name: str, vary_on: tuple, render) -> str:
    """`render()`'s HTML, shared per content generation as the module says."""
    key = fragment_key(request, name, vary_on)
    if key is None:
        return render()
    hit = _stored(key)
    if hit is not None and _readable_by(request, hit):
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


# What a rendering says about the page it is part of (website/content/page_cache.py).
_MARKS = (
    "page_varies_by_visitor",
    "page_varies_beyond_courses",
    "page_varies_with_courses",
    "page_cache_expires_at",
)


def _render_watched(request, render) -> tuple[_Rendered, bool]:
    """Render with the request's page marks cleared, to see what this fragment alone says
    (and whether it used a CSRF token), then keep the page's marks with the fragment's."""
    marks = {name: getattr(request, name, None) for name in _MARKS}
    csrf = request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
    for name in _MARKS:
        setattr(request, name, None)
    try:
        html = render()
    finally:
        beyond_courses = bool(request.page_varies_beyond_courses)
        rendered = _Rendered(
            html="",
            varies_by_visitor=bool(request.page_varies_by_visitor),
            expires_at=request.page_cache_expires_at,
            courses=None if beyond_courses else frozenset(request.page_varies_with_courses or ()),
        )
        used_csrf = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        for name, value in marks.items():
            setattr(request, name, value)
        if csrf is not None and not used_csrf:
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = csrf
        _apply(request, rendered)
    return _Rendered(
        html, rendered.varies_by_visitor, rendered.expires_at, rendered.courses
    ), used_csrf
