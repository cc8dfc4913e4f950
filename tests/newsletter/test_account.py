from django.test import Client

from tests.newsletter.factories import SubscriberFactory
from website.newsletter.models import Subscriber


def test_my_account_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get("/account/newsletter/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_my_account_overview_links_the_newsletter_page(client, user):
    client.force_login(user)
    assert b'href="/account/newsletter/"' in client.get("/account/").content


def test_my_account_shows_a_subscribe_button_to_a_non_subscriber(client, user):
    client.force_login(user)
    response = client.get("/account/newsletter/")
    assert b"You don't receive the newsletter" in response.content


def test_subscribing_from_my_account_goes_through_double_opt_in(
    client, user, mailoutbox, home_page
):
    client.force_login(user)
    response = client.post("/account/newsletter/change/", {"action": "subscribe"}, follow=True)
    assert b"Check your inbox" in response.content
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status) == (user.email, Subscriber.Status.PENDING)
    assert "/newsletter/confirm/" in mailoutbox[0].body


def test_my_account_shows_a_confirmed_subscription_matched_by_address(client, user):
    SubscriberFactory(email=user.email.upper(), status=Subscriber.Status.CONFIRMED)
    Subscriber.objects.update(email=user.email)
    client.force_login(user)
    assert b"Subscribed" in client.get("/account/newsletter/").content


def test_unsubscribing_from_my_account_takes_effect_at_once(client, user):
    SubscriberFactory(email=user.email, status=Subscriber.Status.CONFIRMED)
    client.force_login(user)
    client.post("/account/newsletter/change/", {"action": "unsubscribe"})
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_my_account_change_without_a_csrf_token_is_refused(user):
    SubscriberFactory(email=user.email, status=Subscriber.Status.CONFIRMED)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    response = csrf_client.post("/account/newsletter/change/", {"action": "unsubscribe"})
    assert response.status_code == 403
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_my_account_change_with_an_unknown_action_answers_400(client, user):
    client.force_login(user)
    assert client.post("/account/newsletter/change/", {"action": "delete"}).status_code == 400
    assert not Subscriber.objects.exists()


def test_my_account_offers_to_resend_the_link_while_a_subscription_is_pending(client, user):
    SubscriberFactory(email=user.email, status=Subscriber.Status.PENDING)
    client.force_login(user)
    assert b"Send the link again" in client.get("/account/newsletter/").content
