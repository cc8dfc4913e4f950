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


@pytest.mark.parametrize("field", ["name", "email"])
def test_a_line_break_in_a_single_line_field_is_a_form_error_and_nothing_is_sent(
    client, trainer, field
):
    value = {"name": "Pat\nBcc: everyone@example.com", "email": "pat@visitor.example\nBcc: x"}
    response = client.post(URL, {**MESSAGE, field: value[field]})
    assert response.status_code == 200
    assert "Keep this on one line." in response.content.decode() or field == "email"
    assert response.context["contact_form"].errors[field]
    assert Inquiry.objects.count() == 0 and mail.outbox == []


def test_a_line_break_in_the_message_is_fine(client, trainer):
    assert client.post(URL, {**MESSAGE, "message": "Hello,\nSaturdays?"}).status_code == 302
    assert Inquiry.objects.get().delivery == "Delivered"


class FlakyMailer:
    """Fails the first `failures` sends, then sends as usual."""

    def __init__(self, failures: int):
        from trainers import emails

        self.failures, self.calls, self._send = failures, 0, emails.send_inquiry

    def __call__(self, inquiry):
        self.calls += 1
        if self.calls <= self.failures:
            raise OSError("SMTP server unreachable")
        self._send(inquiry)


def test_a_failed_send_is_retried_until_it_goes_out(client, trainer, monkeypatch):
    from trainers import tasks

    flaky = FlakyMailer(failures=2)
    monkeypatch.setattr(tasks, "send_inquiry", flaky)
    assert client.post(URL, MESSAGE).status_code == 302
    inquiry = Inquiry.objects.get()
    assert flaky.calls == 3 and len(mail.outbox) == 1
    assert inquiry.delivered_at is not None and inquiry.delivery_attempts == 3
    assert inquiry.delivery == "Delivered"


def test_a_send_that_keeps_failing_shows_as_undelivered_in_the_admin(client, trainer, monkeypatch):
    from tests.factories import UserFactory
    from trainers import tasks

    flaky = FlakyMailer(failures=99)
    monkeypatch.setattr(tasks, "send_inquiry", flaky)
    client.post(URL, MESSAGE)
    inquiry = Inquiry.objects.get()
    assert flaky.calls == tasks.MAX_DELIVERY_ATTEMPTS and mail.outbox == []
    assert inquiry.delivered_at is None and inquiry.delivery_failed_at is not None
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert "Undelivered" in client.get("/admin/inquiry/").content.decode()


def test_where_the_task_queue_can_wait_a_failed_send_is_queued_again_later(
    trainer, monkeypatch, settings
):
    from django_tasks import default_task_backend

    from trainers import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(tasks, "send_inquiry", FlakyMailer(failures=1))
    inquiry = Inquiry.objects.create(trainer=trainer, **MESSAGE)
    assert tasks.send_inquiry_email.call(inquiry_id=inquiry.pk) is False
    (retry,) = [r for r in default_task_backend.results if r.task.name == "send_inquiry_email"]
    assert retry.task.run_after is not None and retry.kwargs == {"inquiry_id": inquiry.pk}
    assert tasks.send_inquiry_email.call(inquiry_id=inquiry.pk) is True
    inquiry.refresh_from_db()
    assert inquiry.delivery_attempts == 2 and inquiry.delivered_at is not None


def test_a_delivered_inquiry_is_never_sent_twice(trainer):
    from trainers import tasks

    inquiry = Inquiry.objects.create(trainer=trainer, **MESSAGE)
    assert tasks.send_inquiry_email.call(inquiry_id=inquiry.pk) is True
    assert tasks.send_inquiry_email.call(inquiry_id=inquiry.pk) is False
    assert len(mail.outbox) == 1
