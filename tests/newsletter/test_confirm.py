import time
from unittest import mock

import pytest
from django.test import Client

from tests.newsletter.factories import READING_LIST_BYTES, SubscriberFactory
from website.newsletter import tokens
from website.newsletter.models import Subscriber

FOUR_DAYS = 4 * 24 * 60 * 60


def test_signup_confirm_link_and_reading_list_download_work_end_to_end(
    sign_up, client, mailoutbox, link_in, reading_list
):
    sign_up(first_name="Ann")
    confirm_path = link_in(mailoutbox[0], "/newsletter/confirm/")

    page = client.get(confirm_path)
    assert b"Confirm my subscription" in page.content
    assert client.post(confirm_path).status_code == 200

    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at is not None
    welcome = mailoutbox[1]
    assert "reading list" in welcome.subject
    download = client.get(link_in(welcome, "/newsletter/reading-list/"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == READING_LIST_BYTES


def test_opening_the_confirmation_link_without_pressing_the_button_confirms_nothing(
    sign_up, client, mailoutbox, link_in
):
    sign_up()
    client.get(link_in(mailoutbox[0], "/newsletter/confirm/"))
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert len(mailoutbox) == 1


def test_confirming_twice_sends_the_welcome_email_once(sign_up, client, mailoutbox, link_in):
    sign_up()
    confirm_path = link_in(mailoutbox[0], "/newsletter/confirm/")
    client.post(confirm_path)
    response = client.post(confirm_path)
    assert b"You're subscribed" in response.content
    assert len(mailoutbox) == 2


def test_expired_confirmation_link_shows_a_clear_page_and_changes_nothing(
    sign_up, client, mailoutbox, link_in
):
    sign_up()
    confirm_path = link_in(mailoutbox[0], "/newsletter/confirm/")
    with mock.patch("django.core.signing.time.time", return_value=time.time() + FOUR_DAYS):
        response = client.post(confirm_path)
    assert response.status_code == 400
    assert b"This link has expired" in response.content
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "mangle",
    [lambda t: t[:-3] + "xyz", lambda t: "x" + t, lambda t: "garbage", lambda t: "e30:1:2"],
    ids=["bad-signature", "bad-payload", "garbage", "empty-object"],
)
def test_tampered_confirmation_link_shows_a_clear_page_and_changes_nothing(client, db, mangle):
    subscriber = SubscriberFactory()
    response = client.post(f"/newsletter/confirm/{mangle(tokens.CONFIRM.token_for(subscriber))}/")
    assert response.status_code == 400
    assert b"This link is not valid" in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_an_unsubscribe_token_does_not_work_as_a_confirmation_link(client, db):
    subscriber = SubscriberFactory()
    response = client.post(f"/newsletter/confirm/{tokens.UNSUBSCRIBE.token_for(subscriber)}/")
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_confirmation_link_stops_working_when_the_address_changes(client, db):
    subscriber = SubscriberFactory()
    token = tokens.CONFIRM.token_for(subscriber)
    Subscriber.objects.filter(pk=subscriber.pk).update(email="someone.else@example.com")
    assert client.post(f"/newsletter/confirm/{token}/").status_code == 400


def test_confirmation_link_used_after_unsubscribing_does_not_resubscribe(client, db, mailoutbox):
    subscriber = SubscriberFactory(status=Subscriber.Status.UNSUBSCRIBED)
    response = client.post(f"/newsletter/confirm/{tokens.CONFIRM.token_for(subscriber)}/")
    assert response.status_code == 400
    assert b"You unsubscribed" in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert mailoutbox == []


def test_confirm_page_posts_with_a_csrf_token(db):
    subscriber = SubscriberFactory()
    path = f"/newsletter/confirm/{tokens.CONFIRM.token_for(subscriber)}/"
    response = Client(enforce_csrf_checks=True).post(path)
    assert response.status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
