"""Requests per second and SQL queries for content pages, uncached and from the page cache.

Requests go in-process through Django's WSGI handler (the whole middleware stack, no
network). "Uncached" adds a query string the page cache never stores, so every request
renders; "cached" repeats the plain URL after one warm-up. Django's floor is a view that
returns a constant string, measured the same way in the same run.
"""

import sys
import time
from io import BytesIO

from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.http import HttpResponse
from django.test.utils import override_settings
from django.urls import include, path

SECONDS_PER_TARGET = 2.0
TARGETS = [
    ("home", "/"),
    ("episode 403", "/episodes/backward-walking-for-back-pain/"),
    ("category page", "/articles/category/back-pain/"),
]
# Course pages carry a CSRF-protected "Add to cart" form, so they are never shared renderings.
NEVER_CACHED = [("course page", "/courses/the-balance-gym/")]


def floor(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("__floor__/", floor), path("", include("website.urls"))]


def _environ(url: str) -> dict:
    path_info, _, query = url.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
    }


def _get(handler: WSGIHandler, url: str) -> None:
    status = []
    body = handler(_environ(url), lambda s, headers: status.append(s))
    b"".join(body)
    body.close()
    if not status[0].startswith("200"):
        raise RuntimeError(f"{url} answered {status[0]}")


def _measure(handler: WSGIHandler, url: str) -> tuple[float, int]:
    _get(handler, url)  # warm-up: renditions, the page cache for plain URLs
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        _get(handler, url)
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < SECONDS_PER_TARGET:
        _get(handler, url)
        count += 1
    return count / elapsed, len(queries)


def run() -> list[tuple[str, str, str]]:
    rows = []
    with override_settings(ROOT_URLCONF="bench.content", ALLOWED_HOSTS=["localhost"]):
        handler = WSGIHandler()
        plans = [("Django floor (constant view)", "/__floor__/")]
        for name, url in TARGETS:
            plans += [(f"{name}, uncached", f"{url}?bench=uncached"), (f"{name}, cached", url)]
        plans += [(f"{name}, never cached", url) for name, url in NEVER_CACHED]
        for name, url in plans:
            per_second, queries = _measure(handler, url)
            rows += [
                (f"content: {name}", "requests/s", f"{per_second:.0f}"),
                (f"content: {name}", "SQL queries", str(queries)),
            ]
    return rows
