"""The site's one rate limiter (website/ratelimits.py) and the one client-address function."""

import pytest
from allauth.account.adapter import get_adapter
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.cache import SessionStore
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from website import ratelimits
from website.newsletter.models import Subscriber

CODES = "2/h/visitor,5/h/ip"


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "test_code": CODES}
    return settings


def _request(*, ip="203.0.113.7", xff=None, user=None, session=None):
    extra = {"REMOTE_ADDR": ip}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    request = RequestFactory().post("/", **extra)
    request.user = user or AnonymousUser()
    request.session = session if session is not None else SessionStore()
    return request


# The client's address ---------------------------------------------------------


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert ratelimits.client_ip(_request(ip="10.0.0.1", xff="198.51.100.9")) == "10.0.0.1"


def test_behind_one_proxy_the_address_it_saw_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert ratelimits.client_ip(_request(ip="10.0.0.1", xff="198.51.100.9")) == "198.51.100.9"


def test_addresses_a_client_writes_in_front_of_our_proxies_entries_are_never_believed(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = _request(ip="10.0.0.2", xff="1.1.1.1, 198.51.100.9, 10.0.0.1")
    assert ratelimits.client_ip(request) == "198.51.100.9"


def test_a_short_or_malformed_forwarded_for_header_never_breaks_the_request(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert ratelimits.client_ip(_request(ip="10.0.0.1", xff="198.51.100.9")) == "198.51.100.9"
    assert ratelimits.client_ip(_request(ip="10.0.0.1", xff="not-an-ip, x")) == "10.0.0.1"
    assert ratelimits.client_ip(_request(ip="10.0.0.1", xff="")) == "10.0.0.1"


def test_allauths_limits_count_against_the_same_client_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = _request(ip="10.0.0.1", xff="6.6.6.6, 198.51.100.9")
    assert get_adapter().get_client_ip(request) == "198.51.100.9"


def test_behind_a_proxy_each_client_gets_its_own_newsletter_allowance(client, home_page, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        client.post(
            "/newsletter/", {"email": f"a{n}@example.com"}, HTTP_X_FORWARDED_FOR="198.51.100.1"
        )
    over = client.post(
        "/newsletter/", {"email": "a5@example.com"}, HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    other = client.post(
        "/newsletter/", {"email": "b@example.com"}, HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    assert over.status_code == 429 and other.status_code == 302
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        *(f"a{n}@example.com" for n in range(5)),
        "b@example.com",
    }


def test_without_trusted_proxies_a_forged_header_buys_no_fresh_allowance(client, home_page):
    for n in range(5):
        client.post(
            "/newsletter/", {"email": f"a{n}@example.com"}, HTTP_X_FORWARDED_FOR=f"9.9.9.{n}"
        )
    response = client.post(
        "/newsletter/", {"email": "a5@example.com"}, HTTP_X_FORWARDED_FOR="9.9.9.99"
    )
    assert response.status_code == 429
    assert not Subscriber.objects.filter(email="a5@example.com").exists()


# Keying --------------------------------------------------------------------------


def test_one_visitors_bad_codes_do_not_block_another_customer_behind_the_same_address(limits):
    guesser, customer = _request(), _request()
    for _ in range(2):
        ratelimits.count(guesser, "test_code")
    assert ratelimits.limit_reached(guesser, "test_code")
    assert not ratelimits.limit_reached(customer, "test_code")


def test_a_guesser_who_throws_cookies_away_is_still_stopped_by_the_address_rate(limits):
    for _ in range(5):
        ratelimits.count(_request(), "test_code")  # a fresh session every time
    assert ratelimits.limit_reached(_request(), "test_code")
    assert not ratelimits.limit_reached(_request(ip="203.0.113.8"), "test_code")


def test_a_signed_in_visitor_is_counted_by_account_across_sessions(limits, user):
    for _ in range(2):
        ratelimits.count(_request(user=user, ip="198.51.100.1"), "test_code")
    assert ratelimits.limit_reached(_request(user=user, ip="198.51.100.2"), "test_code")


def test_an_anonymous_visitor_keeps_one_count_through_its_session(limits):
    session = SessionStore()
    for ip in ("198.51.100.1", "198.51.100.2"):
        ratelimits.count(_request(ip=ip, session=session), "test_code")
    assert ratelimits.limit_reached(_request(ip="198.51.100.3", session=session), "test_code")


def test_ipv6_clients_are_counted_per_64_network(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "test_code": "1/h/ip"}
    ratelimits.count(_request(ip="2001:db8:1:2::1"), "test_code")
    assert ratelimits.limit_reached(_request(ip="2001:db8:1:2:ffff::9"), "test_code")
    assert not ratelimits.limit_reached(_request(ip="2001:db8:1:3::1"), "test_code")


def test_attempt_allows_up_to_the_amount_and_refuses_the_next(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "test_code": "3/m/ip"}
    assert [ratelimits.attempt(_request(), "test_code") for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]


# Robustness ------------------------------------------------------------------------


def test_a_counter_expiring_between_add_and_incr_starts_a_new_window(limits, monkeypatch):
    # add() succeeds, then the key is gone before incr() runs: as if the window just ended.
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: True)
    assert ratelimits.attempt(_request(), "test_code") is True
    monkeypatch.undo()
    assert (
        cache.get(ratelimits._cache_key(_request(), "test_code", ratelimits.parse_rates(CODES)[1]))
        == 1
    )


def test_a_cache_that_is_down_fails_open(limits, monkeypatch):
    monkeypatch.setattr(cache, "incr", lambda *args, **kwargs: None)  # django-redis, ignoring
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    assert all(ratelimits.attempt(_request(), "test_code") for _ in range(10))
    assert not ratelimits.limit_reached(_request(), "test_code")


@pytest.mark.parametrize("rate", ["5/h", "five/h/ip", "5/w/ip", "5/h/planet", "0/h/ip"])
def test_a_malformed_rate_is_a_configuration_error_naming_it(settings, rate):
    settings.RATE_LIMITS = {"test_code": rate}
    with pytest.raises(ImproperlyConfigured, match="RATE_LIMITS"):
        ratelimits.attempt(_request(), "test_code")


def test_an_action_missing_from_the_table_is_a_configuration_error(settings):
    with pytest.raises(ImproperlyConfigured, match="no_such_limit"):
        ratelimits.attempt(_request(), "no_such_limit")
