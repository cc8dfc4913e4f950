"""Privacy policy, terms, refund policy and contact: editable demo pages, linked from the footer
and from checkout through the "Trust pages" site setting; the contact form e-mails the coach."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Site

from courses.models import CoursePage
from tests.shop.factories import issue_card
from website.content.models import ContactPage, StandardPage, TrustPages

pytestmark = pytest.mark.django_db

CONTACT = {
    "your_name": "Pat Visitor",
    "your_e_mail": "pat@visitor.example",
    "order_number_if_it_is_about_an_order": "",
    "message": "Can I pause my course?",
}


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/privacy-policy/", "Privacy policy"),
        ("/terms/", "Terms of sale"),
        ("/refund-policy/", "Refund policy"),
        ("/contact/", "Contact"),
    ],
)
def test_the_demo_has_each_trust_page_marked_as_a_template(client, seeded, url, title):
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in html
    assert "TEMPLATE — replace this page" in html


def test_the_refund_policy_states_the_stores_refund_window(client, seeded, settings):
    html = client.get("/refund-policy/").content.decode()
    assert "within 14 days" in html
    assert "deducted from the refund" in html


def test_the_footer_links_the_pages_chosen_in_the_site_setting(client, seeded):
    html = client.get("/").content.decode()
    for label, url in [
        ("Privacy policy", "/privacy-policy/"),
        ("Terms of sale", "/terms/"),
        ("Refund policy", "/refund-policy/"),
        ("Contact", "/contact/"),
    ]:
        assert f'<a href="{url}">{label}</a>' in html


def test_moving_a_trust_page_moves_its_links_and_retires_cached_pages(client, seeded):
    client.get("/")  # cached for anonymous visitors
    page = StandardPage.objects.get(slug="refund-policy")
    page.slug = "money-back"
    page.save_revision().publish()

    html = client.get("/").content.decode()

    assert '<a href="/money-back/">Refund policy</a>' in html
    assert "/refund-policy/" not in html


def test_a_page_left_out_of_the_setting_is_not_linked(client, seeded):
    trust = TrustPages.for_site(Site.objects.get(is_default_site=True))
    trust.privacy_policy = None
    trust.save()
    html = client.get("/").content.decode()
    assert "Privacy policy</a>" not in html
    assert '<a href="/terms/">Terms of sale</a>' in html


def test_checkout_says_paying_agrees_to_the_terms_and_refund_policy(client, seeded, user):
    course = CoursePage.objects.get(slug="the-balance-gym")
    client.force_login(user)
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    html = client.get(reverse("shop:checkout")).content.decode()
    assert (
        'By paying you agree to our <a href="/terms/">terms of sale</a> and the '
        '<a href="/refund-policy/">refund policy</a>.'
    ) in html


def test_checkout_with_nothing_to_pay_does_not_say_paying_agrees(client, seeded, user):
    # A gift card covering the whole order: the button says "Complete order", so must the text.
    course = CoursePage.objects.get(slug="the-balance-gym")
    client.force_login(user)
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    client.post(reverse("shop:gift_card_apply"), {"code": issue_card(20000).code})
    html = client.get(reverse("shop:checkout")).content.decode()
    assert "Complete order (nothing to pay)" in html
    assert "By paying" not in html
    assert (
        'By completing the order you agree to our <a href="/terms/">terms of sale</a> and the '
        '<a href="/refund-policy/">refund policy</a>.'
    ) in html


# The contact form ---------------------------------------------------------------


def test_the_contact_form_emails_the_coach_replying_to_the_visitor(
    client, seeded, django_capture_on_commit_callbacks
):
    page = ContactPage.objects.get(slug="contact")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact/", CONTACT)

    assert response.status_code == 200
    assert "your message is on its way" in response.content.decode()
    (sent,) = mail.outbox
    assert sent.to == [page.to_address]
    assert sent.reply_to == ["pat@visitor.example"]
    assert "Can I pause my course?" in sent.body
    html = sent.alternatives[0][0]
    assert f"<title>{sent.subject}</title>" in html
    assert "Pat Visitor" in html
    assert FormSubmission.objects.filter(page=page).count() == 1


def test_checkbox_answers_reach_the_coach_as_words_not_python_lists(
    client, seeded, django_capture_on_commit_callbacks
):
    page = ContactPage.objects.get(slug="contact")
    page.form_fields.create(
        label="Interested in",
        field_type="checkboxes",
        choices="Courses\nCoaching\nGift cards",
        required=False,
    )
    page.form_fields.create(label="Reply by phone", field_type="checkbox", required=False)
    page.save_revision().publish()

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/contact/", {**CONTACT, "interested_in": ["Courses", "Gift cards"]})

    (sent,) = mail.outbox
    assert "Courses, Gift cards" in sent.body
    assert "Reply by phone" in sent.body and "No" in sent.body
    assert "[" not in sent.body and "False" not in sent.body


def test_an_invalid_contact_message_re_renders_with_errors_and_sends_nothing(
    client, seeded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact/", {**CONTACT, "your_e_mail": "not-an-email"})
    assert response.status_code == 200
    assert "field--error" in response.content.decode()
    assert mail.outbox == []
    assert not FormSubmission.objects.exists()


def test_contact_messages_are_rate_limited_and_the_limit_says_so(
    client, seeded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            client.post("/contact/", CONTACT)
        response = client.post("/contact/", CONTACT)

    assert response.status_code == 429
    assert "You have sent several messages in a short time" in response.content.decode()
    assert "Can I pause my course?" in response.content.decode()  # what they typed is kept
    assert len(mail.outbox) == 5
    assert FormSubmission.objects.count() == 5


def test_the_contact_page_is_never_stored_in_the_shared_page_cache(client, seeded):
    first = client.get("/contact/")
    assert "public" not in first.get("Cache-Control", "")
