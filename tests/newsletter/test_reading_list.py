import time
from unittest import mock

from tests.newsletter.factories import READING_LIST_BYTES, SubscriberFactory
from website.newsletter import tokens
from website.newsletter.models import Subscriber


def reading_list_path(subscriber) -> str:
    return f"/newsletter/reading-list/{tokens.READING_LIST.token_for(subscriber)}/"


def test_confirmed_subscriber_downloads_the_document_chosen_in_the_site_setting(
    client, reading_list
):
    response = client.get(reading_list_path(SubscriberFactory(status=Subscriber.Status.CONFIRMED)))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-cache" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == READING_LIST_BYTES


def test_welcome_email_links_the_signed_download_not_the_public_document_url(
    sign_up, client, mailoutbox, link_in, reading_list
):
    sign_up()
    client.post(link_in(mailoutbox[0], "/newsletter/confirm/"))
    assert "/newsletter/reading-list/" in mailoutbox[1].body
    assert reading_list.url not in mailoutbox[1].body


def test_reading_list_link_of_an_unsubscribed_reader_is_refused(client, reading_list):
    response = client.get(
        reading_list_path(SubscriberFactory(status=Subscriber.Status.UNSUBSCRIBED))
    )
    assert response.status_code == 403
    assert b"for confirmed subscribers" in response.content


def test_expired_reading_list_link_is_refused(client, reading_list):
    path = reading_list_path(SubscriberFactory(status=Subscriber.Status.CONFIRMED))
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 31 * 24 * 60 * 60):
        response = client.get(path)
    assert response.status_code == 400


def test_reading_list_link_says_so_when_no_document_is_chosen(client, home_page):
    response = client.get(reading_list_path(SubscriberFactory(status=Subscriber.Status.CONFIRMED)))
    assert response.status_code == 404
    assert b"isn't available right now" in response.content


def test_reading_list_link_says_so_when_the_file_is_missing(client, reading_list):
    reading_list.file.delete(save=False)
    response = client.get(reading_list_path(SubscriberFactory(status=Subscriber.Status.CONFIRMED)))
    assert response.status_code == 404
