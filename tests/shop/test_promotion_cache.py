"""Cached pages never outlive a promotion's start or end (the clock changes the banner too)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from shop.selectors import promotions_next_change
from tests.shop.factories import PromotionFactory
from website.content import page_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_timeouts():
    """The timeouts the page cache stores renderings with, read off its cache.set calls."""
    with mock.patch.object(page_cache.cache, "set", wraps=page_cache.cache.set) as cache_set:
        yield lambda: [
            call.args[2] for call in cache_set.call_args_list if call.args[0].startswith("pages:")
        ]


def test_without_promotions_ahead_a_page_is_cached_for_the_full_hour(
    client, home_page, stored_timeouts
):
    PromotionFactory(ends_at=timezone.now() - timedelta(days=1))
    client.get(home_page.url)
    assert stored_timeouts() == [page_cache.CACHE_SECONDS]


def test_a_page_showing_a_promotion_is_cached_no_longer_than_until_it_ends(
    client, home_page, stored_timeouts
):
    PromotionFactory(ends_at=timezone.now() + timedelta(seconds=90))
    client.get(home_page.url)
    [timeout] = stored_timeouts()
    assert 0 < timeout <= 90


def test_a_page_is_cached_no_longer_than_until_the_next_promotion_starts(
    client, home_page, stored_timeouts
):
    PromotionFactory(
        starts_at=timezone.now() + timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(days=5),
    )
    client.get(home_page.url)
    [timeout] = stored_timeouts()
    assert 240 < timeout <= 300


def test_a_rendering_at_the_very_boundary_is_not_stored_at_all(client, home_page, stored_timeouts):
    request = mock.Mock(page_cache_expires_at=timezone.now())
    assert page_cache.page_cache_timeout(request) == 0
    # The clock stands still while the page renders: a slow render must not end the promotion.
    now = timezone.now()
    PromotionFactory(ends_at=now + timedelta(milliseconds=300))
    with mock.patch.object(timezone, "now", return_value=now):
        client.get(home_page.url)
    assert stored_timeouts() in ([], [1])  # never past the end by more than the rounding


def test_the_next_change_is_the_soonest_start_or_end_of_an_active_promotion(db):
    now = timezone.now()
    PromotionFactory(starts_at=now - timedelta(days=1), ends_at=now + timedelta(hours=3))
    PromotionFactory(starts_at=now + timedelta(hours=2), ends_at=now + timedelta(days=3))
    PromotionFactory(
        is_active=False, starts_at=now + timedelta(minutes=1), ends_at=now + timedelta(days=1)
    )
    assert promotions_next_change(now=now) == now + timedelta(hours=2)
    assert promotions_next_change(now=now + timedelta(days=4)) is None


def test_a_cached_page_is_rendered_afresh_once_the_clock_passes_the_end(client, home_page):
    """Moving the clock: the stored entry expires with the promotion, so the banner goes."""
    promotion = PromotionFactory(ends_at=timezone.now() + timedelta(seconds=30))
    assert promotion.banner_text in client.get(home_page.url).content.decode()
    later = page_cache.time.time() + 31
    with (
        mock.patch("time.time", return_value=later),
        mock.patch.object(timezone, "now", return_value=promotion.ends_at + timedelta(seconds=1)),
    ):
        assert promotion.banner_text not in client.get(home_page.url).content.decode()
