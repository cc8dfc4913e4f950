import pytest
from django.test import Client

from tests.newsletter.factories import SubscriberFactory
from website.newsletter import tokens
from website.newsletter.models import Subscriber


@pytest.fixture
def confirmed_via_email(sign_up, client, mailoutbox, link_in):
    """Sign up and confirm, leaving both e-mails (confirmation, welcome) in the outbox."""
    sign_up()
    client.post(link_in(mailoutbox[0], "/newsletter/confirm/"))
    return Subscriber.objects.get()


def test_every_newsletter_email_carries_the_unsubscribe_headers_and_link(
    confirmed_via_email, mailoutbox
):
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        header = message.extra_headers["List-Unsubscribe"]
        assert header.startswith("<http://coachhouse.test:8123/newsletter/unsubscribe/")
        assert header.endswith("/one-click/>")
        assert "/newsletter/unsubscribe/" in message.body
        html, _mimetype = message.alternatives[0]
        assert "Unsubscribe with one click" in html


def test_unsubscribe_link_opens_a_page_and_its_button_unsubscribes(
    confirmed_via_email, mailoutbox, link_in
):
    csrf_client = Client(enforce_csrf_checks=True)
    path = link_in(mailoutbox[1], "/newsletter/unsubscribe/")
    page = csrf_client.get(path)
    assert b"Unsubscribe" in page.content
    confirmed_via_email.refresh_from_db()
    assert confirmed_via_email.status == Subscriber.Status.CONFIRMED

    token = page.context["csrf_token"]
    response = csrf_client.post(path, {"csrfmiddlewaretoken": str(token)})
    assert b"You're unsubscribed" in response.content
    confirmed_via_email.refresh_from_db()
    assert confirmed_via_email.status == Subscriber.Status.UNSUBSCRIBED


def test_unsubscribe_page_post_without_a_csrf_token_is_refused(db):
    subscriber = SubscriberFactory(status=Subscriber.Status.CONFIRMED)
    path = f"/newsletter/unsubscribe/{tokens.UNSUBSCRIBE.token_for(subscriber)}/"
    assert Client(enforce_csrf_checks=True).post(path).status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_one_click_unsubscribe_header_url_accepts_a_token_less_post(
    confirmed_via_email, mailoutbox
):
    url = mailoutbox[1].extra_headers["List-Unsubscribe"].strip("<>")
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    confirmed_via_email.refresh_from_db()
    assert confirmed_via_email.status == Subscriber.Status.UNSUBSCRIBED


def test_opening_the_one_click_url_in_a_browser_shows_the_unsubscribe_page(client, db):
    token = tokens.UNSUBSCRIBE.token_for(SubscriberFactory())
    response = client.get(f"/newsletter/unsubscribe/{token}/one-click/")
    assert response.status_code == 302
    assert response["Location"] == f"/newsletter/unsubscribe/{token}/"


def test_unsubscribing_twice_is_harmless_and_keeps_the_first_date(client, db):
    subscriber = SubscriberFactory(status=Subscriber.Status.CONFIRMED)
    path = f"/newsletter/unsubscribe/{tokens.UNSUBSCRIBE.token_for(subscriber)}/one-click/"
    client.post(path)
    first_date = Subscriber.objects.get().unsubscribed_at
    assert client.post(path).status_code == 200
    assert Subscriber.objects.get().unsubscribed_at == first_date


def test_tampered_one_click_token_is_refused_and_changes_nothing(client, db):
    subscriber = SubscriberFactory(status=Subscriber.Status.CONFIRMED)
    token = tokens.UNSUBSCRIBE.token_for(subscriber)
    assert client.post(f"/newsletter/unsubscribe/{token[:-2]}zz/one-click/").status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_tampered_unsubscribe_link_shows_a_clear_page(client, db):
    response = client.get("/newsletter/unsubscribe/not-a-token/")
    assert response.status_code == 400
    assert b"This link is not valid" in response.content
