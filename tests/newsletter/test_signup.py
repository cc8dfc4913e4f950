from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from tests.newsletter.factories import SubscriberFactory
from website.newsletter.models import Subscriber

JSON = {"HTTP_ACCEPT": "application/json"}


def test_signup_stores_a_pending_subscriber_with_its_source_page(sign_up, home_page):
    sign_up("Ann@Example.com", first_name="Ann", source_page=str(home_page.pk))
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.first_name) == ("ann@example.com", "Ann")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.source_page.specific == home_page


def test_signup_sends_one_confirmation_email_with_a_confirm_link(sign_up, mailoutbox):
    sign_up()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ann@example.com"]
    assert "/newsletter/confirm/" in mailoutbox[0].body


def test_signup_without_javascript_redirects_to_the_check_your_inbox_page(sign_up, client):
    response = sign_up()
    assert response.status_code == 302
    assert response["Location"] == "/newsletter/check-your-inbox/"
    assert b"Check your inbox" in client.get(response["Location"]).content


def test_signup_with_javascript_answers_the_check_your_inbox_message_as_json(client, home_page):
    response = client.post("/newsletter/", {"email": "ann@example.com"}, **JSON)
    assert response.status_code == 200
    assert "confirm your subscription" in response.json()["message"]


def test_signing_up_again_within_the_cooldown_sends_nothing_and_answers_the_same(
    sign_up, mailoutbox
):
    first = sign_up()
    second = sign_up("ANN@example.com")
    assert (second.status_code, second["Location"]) == (first.status_code, first["Location"])
    assert len(mailoutbox) == 1
    assert Subscriber.objects.count() == 1


def test_signing_up_again_after_the_cooldown_resends_the_confirmation(sign_up, mailoutbox):
    sign_up()
    Subscriber.objects.update(last_emailed_at=timezone.now() - timedelta(minutes=16))
    sign_up()
    assert len(mailoutbox) == 2
    assert "/newsletter/confirm/" in mailoutbox[1].body


def test_signup_of_a_confirmed_address_answers_the_same_and_keeps_it_confirmed(sign_up, mailoutbox):
    SubscriberFactory(email="ann@example.com", status=Subscriber.Status.CONFIRMED)
    response = sign_up()
    assert response["Location"] == "/newsletter/check-your-inbox/"
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    assert "/newsletter/confirm/" not in mailoutbox[0].body


def test_signup_after_unsubscribing_goes_through_confirmation_again(sign_up, mailoutbox):
    SubscriberFactory(
        email="ann@example.com",
        status=Subscriber.Status.UNSUBSCRIBED,
        last_emailed_at=timezone.now(),
    )
    sign_up()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert "/newsletter/confirm/" in mailoutbox[0].body


def test_cross_origin_signup_is_refused_and_stores_nothing(client, home_page, mailoutbox):
    response = client.post(
        "/newsletter/", {"email": "ann@example.com"}, HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_signup_marked_cross_site_by_fetch_metadata_is_refused(client, home_page):
    response = client.post(
        "/newsletter/", {"email": "ann@example.com"}, HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_signup_from_the_sites_own_origin_is_accepted(client, home_page):
    response = client.post(
        "/newsletter/",
        {"email": "ann@example.com"},
        HTTP_ORIGIN="http://testserver",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 302
    assert Subscriber.objects.exists()


def test_sixth_signup_from_one_ip_within_an_hour_is_refused(client, home_page, mailoutbox):
    for n in range(5):
        assert client.post("/newsletter/", {"email": f"p{n}@example.com"}).status_code == 302
    response = client.post("/newsletter/", {"email": "p5@example.com"})
    assert response.status_code == 429
    assert b"too many sign-ups" in response.content
    assert not Subscriber.objects.filter(email="p5@example.com").exists()
    assert len(mailoutbox) == 5


def test_rate_limit_counts_each_ip_separately(client, home_page):
    for n in range(5):
        client.post("/newsletter/", {"email": f"p{n}@example.com"})
    response = client.post("/newsletter/", {"email": "q@example.com"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302


def test_rate_limited_signup_with_javascript_answers_429_with_a_reason(client, home_page):
    for n in range(5):
        client.post("/newsletter/", {"email": f"p{n}@example.com"})
    response = client.post("/newsletter/", {"email": "p5@example.com"}, **JSON)
    assert response.status_code == 429
    assert "too many sign-ups" in response.json()["errors"]["__all__"][0]["message"]


def test_honeypot_signup_looks_accepted_but_stores_and_sends_nothing(sign_up, mailoutbox):
    response = sign_up(leave_empty="http://spam.example")
    assert response["Location"] == "/newsletter/check-your-inbox/"
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    "data",
    [
        {"email": "not-an-address"},
        {"email": ""},
        {"email": "ann@example.com\nBcc: victim@example.com"},
        {"email": "ann@example.com\r\n"},
        {"email": "ann@example.com", "first_name": "Ann\r\nBcc: victim@example.com"},
        {"email": "ann@example.com", "first_name": "Ann\n"},
        {"email": "ann@example.com", "first_name": "A\x00nn"},
        {"email": "ann@example.com", "first_name": "A" * 10_000},
        {"email": "a" * 300 + "@example.com"},
    ],
    ids=[
        "malformed-email",
        "missing-email",
        "newline-header-in-email",
        "trailing-crlf-in-email",
        "newline-header-in-name",
        "trailing-newline-in-name",
        "nul-in-name",
        "10000-character-name",
        "overlong-email",
    ],
)
def test_bad_input_re_renders_the_form_with_errors_and_stores_nothing(
    client, home_page, mailoutbox, data
):
    response = client.post("/newsletter/", data)
    assert response.status_code == 400
    assert b"field__errors" in response.content
    assert b'aria-invalid="true"' in response.content
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_bad_input_with_javascript_answers_400_with_field_errors(client, home_page):
    response = client.post("/newsletter/", {"email": "x", "first_name": "A" * 10_000}, **JSON)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"email", "first_name"}


@pytest.mark.parametrize("value", ["abc", "-1", "999999999999999999999", "²", "999999999"])
def test_unknown_or_malformed_source_page_is_ignored(sign_up, value):
    sign_up(source_page=value)
    assert Subscriber.objects.get().source_page is None


def test_footer_form_carries_no_csrf_token_so_pages_stay_the_same_for_every_visitor(
    client, home_page
):
    first = client.get("/").content
    client.cookies.clear()
    second = client.get("/").content
    assert b"csrfmiddlewaretoken" not in first
    assert first == second
    assert b'action="/newsletter/"' in first


def test_footer_form_records_the_page_it_sits_on(client, home_page):
    assert f'name="source_page" value="{home_page.pk}"'.encode() in client.get("/").content


def test_signup_component_takes_its_ids_from_signup_id_so_two_copies_can_share_a_page():
    html = render_to_string("components/newsletter_signup.html", {"signup_id": "article-signup"})
    assert 'id="article-signup-title"' in html
    assert 'for="article-signup-email"' in html
    assert "footer-signup" not in html


def test_signup_component_defaults_to_the_footer_ids_the_footer_section_refers_to():
    html = render_to_string("components/newsletter_signup.html", {})
    assert 'id="footer-signup-title"' in html


def test_signup_page_answers_head_requests(client, home_page):
    assert client.head("/newsletter/").status_code == 200


def test_signup_page_shows_the_form(client, home_page):
    response = client.get("/newsletter/")
    assert response.status_code == 200
    assert b'id="page-signup-email"' in response.content
