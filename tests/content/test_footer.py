"""The footer's account links: right for a signed-in customer, without making pages uncacheable."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.content.factories import EpisodePageFactory, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(episode_index):
    return publish(EpisodePageFactory(parent=episode_index, title="Backward walking", number=403))


def _account_links(html: str) -> dict[str, bool]:
    """Each account link of the footer: is it shown (not `hidden`)?"""
    nav = re.search(
        r'<nav class="site-footer__links" aria-label="Your account">.*?</nav>', html, re.S
    )
    links = {}
    for attrs, text in re.findall(r"<li([^>]*)><a [^>]*>([^<]+)</a></li>", nav.group(0)):
        links[text] = "hidden" not in attrs
    return links


def test_an_anonymous_visitor_is_offered_log_in_and_sign_up(client, episode):
    links = _account_links(client.get(episode.url).content.decode())
    assert links == {
        "My account": True,
        "Cart": True,
        "Log in": True,
        "Sign up": True,
        "Log out": False,
    }


def test_a_signed_in_customer_is_offered_log_out_even_after_the_page_was_cached(
    client, user, episode
):
    anonymous = client.get(episode.url)
    assert "public" in anonymous["Cache-Control"]

    client.force_login(user)
    signed_in = client.get(episode.url)

    links = _account_links(signed_in.content.decode())
    assert (links["Log in"], links["Sign up"], links["Log out"]) == (False, False, True)
    assert "private" in signed_in["Cache-Control"]


def test_the_shared_rendering_stays_the_same_for_every_anonymous_visitor(client, user, episode):
    first = Client().get(episode.url).content
    client.force_login(user)
    client.get(episode.url)
    again = Client().get(episode.url)
    assert again.content == first
    assert user.email.encode() not in again.content


def test_the_cart_summary_says_whether_the_visitor_is_signed_in(client, user):
    assert client.get(reverse("shop:cart_summary")).json()["signed_in"] is False
    client.force_login(user)
    assert client.get(reverse("shop:cart_summary")).json()["signed_in"] is True
