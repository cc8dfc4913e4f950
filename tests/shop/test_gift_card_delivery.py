"""A gift card counts as delivered only once its e-mail has gone out; a failed send is retried."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from shop import tasks
from shop.models import GiftCard
from shop.services import gift_card_claim_delivery, gift_cards_deliver_due
from tests.shop.factories import issue_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(db):
    return issue_card(5000, recipient_name="Sam", recipient_email="sam@example.com")


def _failing_send(self, messages):
    raise smtplib.SMTPServerDisconnected("the mail server went away")


def test_a_failed_send_leaves_the_card_undelivered_and_the_sweep_sends_it(card, monkeypatch):
    monkeypatch.setattr(EmailBackend, "send_messages", _failing_send)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        tasks.deliver_gift_card.call(card_id=card.pk)
    card.refresh_from_db()
    assert card.delivered_at is None and card.delivery_started_at is None
    monkeypatch.undo()

    assert gift_cards_deliver_due() == 1
    card.refresh_from_db()
    assert card.delivered_at is not None
    assert [m.to for m in mail.outbox] == [["sam@example.com"]]
    assert card.code in mail.outbox[0].body


def test_a_delivered_card_is_not_sent_again(card):
    tasks.deliver_gift_card.call(card_id=card.pk)
    tasks.deliver_gift_card.call(card_id=card.pk)
    assert gift_cards_deliver_due() == 0
    assert len(mail.outbox) == 1


def test_only_one_sender_claims_a_card_at_a_time(card):
    assert gift_card_claim_delivery(card_id=card.pk)
    assert not gift_card_claim_delivery(card_id=card.pk)
    assert not gift_card_claim_delivery(card_id=card.pk, resend=True)
    tasks.deliver_gift_card.call(card_id=card.pk)
    assert mail.outbox == []


def test_a_crashed_senders_stale_claim_is_taken_over(card):
    GiftCard.objects.filter(pk=card.pk).update(
        delivery_started_at=timezone.now() - timedelta(hours=1)
    )
    tasks.deliver_gift_card.call(card_id=card.pk)
    assert len(mail.outbox) == 1
