"""Walk every URL the site routes: POSTs need a CSRF token, private pages need a login.

New views are covered as soon as they are routed; an exception has to be listed here with
the reason it is safe.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Views that must accept a POST without a CSRF token, and what protects them instead.
CSRF_EXEMPT = {
    "shop:stripe_webhook": "authenticated by the Stripe-Signature HMAC",
    "newsletter:signup": "same-origin check, double opt-in, rate limit (cached pages: no token)",
    "newsletter:unsubscribe_one_click": "RFC 8058 one-click, authorised by its signed token",
}
# Prefixes whose pages belong to Wagtail's admin or serve files; Wagtail guards them itself.
SKIPPED_PREFIXES = ("admin/", "documents/", "media/", "static/")
# allauth's own pages that are public by nature (signing in, signing up, recovering access).
PUBLIC_ACCOUNT_PAGES = re.compile(
    r"^account/(login|signup|logout|password/reset|confirm-email|reauthenticate|"
    r"email/verify|code|login/code|3rdparty|social|inactive)"
)
SAMPLE_VALUES = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "path": "sample",
    "uuid": "0" * 32,
    "order_number": "CH-ABCDEFGH",
}


def routed_urls():
    """(name, example path) for every routed pattern, with its converters given sample values."""

    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                if route.startswith(SKIPPED_PREFIXES) or route.startswith("^") or "(?P" in route:
                    continue
                path = re.sub(
                    r"<(?:(\w+):)?\w+>",
                    lambda m: SAMPLE_VALUES.get(m.group(1) or "str", "1"),
                    route,
                )
                yield f"{namespace}{entry.name or route}", "/" + path

    return sorted(set(walk(get_resolver().url_patterns)))


URLS = routed_urls()


def test_the_walk_sees_the_sites_views():
    names = {name for name, _ in URLS}
    assert {
        "healthz",
        "shop:cart",
        "shop:checkout",
        "shop:stripe_webhook",
        "accounts:overview",
    } <= names


@pytest.mark.parametrize(("name", "path"), URLS)
def test_a_post_without_a_csrf_token_is_refused(name, path, user):
    if name in CSRF_EXEMPT:
        pytest.skip(f"CSRF-exempt by design: {CSRF_EXEMPT[name]}")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(path, {"anything": "1"})
    # 403 is the CSRF refusal; views that take no POST answer 405, unknown samples 404.
    assert response.status_code in {403, 404, 405}, (name, path, response.status_code)


@pytest.mark.parametrize(
    ("name", "path"),
    [
        (name, path)
        for name, path in URLS
        if path.startswith("/account/") and not PUBLIC_ACCOUNT_PAGES.match(path.lstrip("/"))
    ],
)
def test_private_pages_send_an_anonymous_visitor_to_log_in(name, path, client, db):
    response = client.get(path)
    assert response.status_code == 302, (name, path, response.status_code)
    assert response["Location"].startswith("/account/login/"), (name, response["Location"])
