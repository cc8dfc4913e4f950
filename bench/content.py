"""Requests per second, SQL queries and the ratio to Django's bare floor for the public pages.

Requests go in-process through Django's WSGI handler (the whole middleware stack, no
network). The floor is a separate WSGI handler with no middleware at all and its own URLconf
(`bench.floor`): one view returning a constant 20 KB page, measured right before each target
in the same process; each target's ratio is its requests/s over that floor's. Time is this
process's CPU time (`time.process_time`), not the wall clock: on a shared machine other jobs'
load then slows neither side, where wall-clock floors moved between 1,100 and 10,000
requests/s within one run. In-process ratios are harsher than the issue's gunicorn + wrk
ones: the in-process floor (about 60 µs) has no HTTP, socket or worker overhead to share.
"Uncached" adds a query string the page cache never stores, so every request renders;
"cached" repeats the plain URL after one warm-up; "logged in" is the demo customer, who
reads a content page's shared rendering unless it shows them their own courses (the home
page's featured courses do). Afterwards 200 more episodes and articles (100 each) are added
and every page's query count is printed again: it must not grow
(tests/content/test_query_counts.py).

The machine is usually shared: requests/s move with its load, the ratios much less.
"""

import sys
import time
from datetime import date
from http.cookies import SimpleCookie
from io import BytesIO

from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

SECONDS_PER_TARGET = 1.0  # of CPU time
SECONDS_PER_FLOOR = 0.3
EXTRA_PAGES = 200

# (name, URL, target ratio to the floor) — the targets of issue #16.
CACHED = [
    ("home", "/", 0.7),
    ("episode 403", "/episodes/backward-walking-for-back-pain/", 0.7),
    ("episode index", "/episodes/", 0.7),
    ("category page", "/articles/category/back-pain/", 0.7),
]
RENDERED = [
    ("home", "/", 0.04),
    ("episode 403", "/episodes/backward-walking-for-back-pain/", 0.04),
    ("category page", "/articles/category/back-pain/", 0.04),
    ("article", None, 0.04),  # the first live article, found at run time
    ("course page", "/courses/the-balance-gym/", 0.04),
    ("Find a Trainer (60601)", "/find-a-trainer/?q=60601", 0.03),
    ("search (back)", "/search/?q=back", 0.03),
]
COUNTED = [
    ("episode index", "/episodes/"),
    ("article index", "/articles/"),
    ("episode feed", "/episodes/feed/"),
    ("article feed", "/articles/feed/"),
    ("trainer profile", None),  # the first published trainer
]
MINI_CART = ("mini-cart JSON (logged in)", "/shop/cart/summary.json", 0.8)


class FloorHandler(WSGIHandler):
    """A WSGI handler of its own URLconf (`bench.floor`), built with no middleware."""

    def get_response(self, request):
        request.urlconf = "bench.floor"
        return super().get_response(request)


def _environ(url: str, cookie: str = "") -> dict:
    path_info, _, query = url.partition("?")
    environ = {
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
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def _get(handler, url: str, cookie: str = "") -> None:
    status = []
    body = handler(_environ(url, cookie), lambda s, headers: status.append(s))
    b"".join(body)
    body.close()
    if not status[0].startswith("200"):
        raise RuntimeError(f"{url} answered {status[0]}")


def _queries(handler, url: str, cookie: str = "") -> int:
    _get(handler, url, cookie)  # warm-up: renditions, memos, the page cache for plain URLs
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        _get(handler, url, cookie)
    return len(queries)


def _per_second(handler, url: str, cookie: str = "", seconds: float = SECONDS_PER_TARGET) -> float:
    """Requests per second of this process's CPU time (other jobs' load does not count)."""
    _get(handler, url, cookie)
    count, started = 0, time.process_time()
    while (elapsed := time.process_time() - started) < seconds:
        _get(handler, url, cookie)
        count += 1
    return count / elapsed


def _uncached(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "bench=uncached"


def _customer_cookie() -> str:
    from website.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email="customer@coachhouse.test"))
    cookie = SimpleCookie()
    for name, morsel in client.cookies.items():
        cookie[name] = morsel.value
    return cookie.output(header="", sep=";").strip()


def _first_urls() -> dict[str, str]:
    from trainers.models import Trainer
    from website.content.models import ArticlePage

    return {
        "article": ArticlePage.objects.live().order_by("pk").first().url,
        "trainer profile": Trainer.objects.published().order_by("pk").first().get_absolute_url(),
    }


def _add_content(count: int) -> None:
    """`count` more live episodes and articles (half each) in the back-pain category, each with
    the demo's images, as an editor would publish them (the page cache's generation moves)."""
    from website.content import page_cache, services
    from website.content.models import (
        ArticleIndexPage,
        ArticlePage,
        Category,
        EpisodeIndexPage,
        EpisodePage,
    )

    category = Category.objects.get(slug="back-pain")
    model = EpisodePage.objects.get(slug="backward-walking-for-back-pain")
    hero = ArticlePage.objects.exclude(hero_image=None).first().hero_image
    episodes, articles = EpisodeIndexPage.objects.get(), ArticleIndexPage.objects.get()
    for n in range(count // 2):
        episode = episodes.add_child(
            instance=EpisodePage(
                title=f"Back drills {n} \u2013 Episode {20000 + n}",
                slug=f"bench-episode-{n}",
                number=20000 + n,
                date=date(2020, 1, 1),
                summary="A benchmark episode.",
                video=model.video.raw_data,
            )
        )
        episode.categories.add(category)
        episode.save()
        article = articles.add_child(
            instance=ArticlePage(
                title=f"Back notes {n}",
                slug=f"bench-article-{n}",
                author="Bench",
                date=date(2020, 1, 1),
                summary="A benchmark article.",
                hero_image=hero,
            )
        )
        article.categories.add(category)
        article.save()
    services.content_generation_bump()
    page_cache.forget_content_generation()


def _count_all(app, plans, customer: str) -> dict[str, tuple[int, int]]:
    """Each page's queries, anonymous and logged in. The content generation, which a process
    reads at most once a second (website/content/page_cache.py), is left out: on a loaded
    machine it would fall into one count or another by chance."""
    from website.content import page_cache

    kept, page_cache.GENERATION_SECONDS = page_cache.GENERATION_SECONDS, 3600.0
    try:
        return {
            name: (_queries(app, _uncached(url)), _queries(app, _uncached(url), customer))
            for name, url in plans
        }
    finally:
        page_cache.GENERATION_SECONDS = kept


def run() -> list[tuple[str, str, str]]:
    rows = []
    with override_settings(ALLOWED_HOSTS=["localhost", "testserver"]):
        with override_settings(MIDDLEWARE=[]):
            floor = FloorHandler()
        app = WSGIHandler()
        customer = _customer_cookie()
        found = _first_urls()
        rendered = [(name, url or found[name], target) for name, url, target in RENDERED]

        plans = [(f"{name}, cached", url, "", target) for name, url, target in CACHED]
        for name, url, target in rendered:
            plans.append((f"{name}, uncached", _uncached(url), "", target))
            plans.append((f"{name}, logged in", url, customer, target))
        name, url, target = MINI_CART
        plans.append((name, url, customer, target))
        measured, floors = [], []
        for name, url, cookie, target in plans:
            floors.append(_per_second(floor, "/", seconds=SECONDS_PER_FLOOR))
            measured.append((name, _per_second(app, url, cookie), floors[-1], target))
        floor_rps = sum(floors) / len(floors)

        rows.append(
            ("content: Django floor (bare view, no middleware)", "requests/s", f"{floor_rps:.0f}")
        )
        rows.append(
            (
                "content: Django floor",
                "lowest / highest of its runs",
                f"{min(floors):.0f} / {max(floors):.0f}",
            )
        )
        for name, per_second, floor_beside, target in measured:
            ratio = per_second / floor_beside
            verdict = "met" if ratio >= target else "NOT met"
            rows += [
                (f"content: {name}", "requests/s", f"{per_second:.0f}"),
                (f"content: {name}", f"x floor (target {target})", f"{ratio:.3f} {verdict}"),
            ]

        counted = [(name, url) for name, url, _ in rendered] + [
            (name, url or found[name]) for name, url in COUNTED
        ]
        before = _count_all(app, counted, customer)
        started = time.perf_counter()
        _add_content(EXTRA_PAGES)
        print(
            f"Added {EXTRA_PAGES} episodes and articles in {time.perf_counter() - started:.1f} s.",
            file=sys.stderr,
        )
        after = _count_all(app, counted, customer)
        for name, _ in counted:
            (anon_before, user_before), (anon_after, user_after) = before[name], after[name]
            rows += [
                (
                    f"queries: {name}",
                    f"anonymous, +{EXTRA_PAGES} pages",
                    f"{anon_before} -> {anon_after}",
                ),
                (
                    f"queries: {name}",
                    f"logged in, +{EXTRA_PAGES} pages",
                    f"{user_before} -> {user_after}",
                ),
            ]
    return rows
