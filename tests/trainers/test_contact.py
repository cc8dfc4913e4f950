"""The profile page and its contact form: email sent, inquiry stored, rate limit, honeypot."""

import pytest
from django.core import mail

from trainers.models import Inquiry

from .factories import CertificationFactory, TrainerFactory

pytestmark = pytest.mark.django_db
MESSAGE = {
    "name": "Pat Visitor",
    "email": "pat@visitor.example",
    "message": "Do you see clients on Saturdays?",
}


@pytest.fixture
def trainer(directory):
    return TrainerFactory(
        name="Loop Coach",
        slug="loop-coach",
        email="loop@private.example",
        bio="Ten years of coaching.",
        certifications=[CertificationFactory(name="R-Phase", slug="r-phase")],
        specialties=["Balance"],
    )


URL = "/find-a-trainer/loop-coach/"


def test_profile_shows_bio_certifications_specialties_and_area(client, trainer):
    html = client.get(URL).content.decode()
    for text in ("Loop Coach", "Ten years of coaching.", "R-Phase", "Balance", "Chicago, IL"):
        assert text in html


def test_profile_never_contains_the_trainers_email(client, trainer):
    assert "loop@private.example" not in client.get(URL).content.decode()


def test_unpublished_profile_is_not_found(client, trainer):
    trainer.is_published = False
    trainer.save()
    assert client.get(URL).status_code == 404


def test_unknown_profile_is_not_found(client, directory):
    assert client.get("/find-a-trainer/nobody/").status_code == 404


def test_message_is_stored_and_emailed_to_the_trainer_then_redirects_to_the_profile(
    client, trainer
):
    response = client.post(URL, MESSAGE)
    assert response.status_code == 302 and response["Location"] == URL + "#contact"
    inquiry = Inquiry.objects.get()
    assert (inquiry.trainer, inquiry.email) == (trainer, "pat@visitor.example")
    (sent,) = mail.outbox
    assert sent.to == ["loop@private.example"] and sent.reply_to == ["pat@visitor.example"]
    assert "Saturdays" in sent.body and "Saturdays" in sent.alternatives[0][0]


def test_success_message_is_shown_after_the_redirect(client, trainer):
    response = client.post(URL, MESSAGE, follow=True)
    assert "your message is on its way to Loop Coach" in response.content.decode()


def test_invalid_message_re_renders_with_errors_and_sends_nothing(client, trainer):
    response = client.post(URL, {**MESSAGE, "email": "not-an-email"})
    assert response.status_code == 200
    assert "field--error" in response.content.decode()
    assert Inquiry.objects.count() == 0 and mail.outbox == []


def test_honeypot_filled_in_pretends_success_but_stores_and_sends_nothing(client, trainer):
    response = client.post(URL, {**MESSAGE, "website": "http://spam.example"})
    assert response.status_code == 302
    assert Inquiry.objects.count() == 0 and mail.outbox == []


def test_too_many_messages_from_one_visitor_are_refused(client, trainer, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "trainer_contact": "2/h/ip"}
    client.post(URL, MESSAGE)
    client.post(URL, MESSAGE)
    response = client.post(URL, MESSAGE)
    assert response.status_code == 429
    assert "several messages in a short time" in response.content.decode()
    assert Inquiry.objects.count() == 2 and len(mail.outbox) == 2


def test_rate_limit_is_per_visitor(client, trainer, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "trainer_contact": "1/h/ip"}
    client.post(URL, MESSAGE, REMOTE_ADDR="10.0.0.1")
    assert client.post(URL, MESSAGE, REMOTE_ADDR="10.0.0.2").status_code == 302
