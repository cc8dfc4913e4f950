"""Shop managers issue, deactivate and resend gift cards, read ledgers and the liability report."""

import pytest
from django.core import mail
from django.urls import reverse

from shop.models import GiftCard, Promotion
from shop.services import gift_card_redeem
from tests.shop.factories import issue_card

pytestmark = pytest.mark.django_db


def test_an_editor_issues_a_card_with_its_ledger_and_the_recipient_email(
    client, shop_manager, django_capture_on_commit_callbacks
):
    client.force_login(shop_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("shop_giftcard:add"),
            {
                "initial_cents": "25.00",
                "recipient_name": "Ana",
                "recipient_email": "ana@example.com",
                "message": "Sorry about the wait",
            },
        )
    assert response.status_code == 302
    card = GiftCard.objects.get()
    assert (card.source, card.balance_cents) == ("manual", 2500)
    assert card.transactions.get().kind == "issue"
    assert mail.outbox[0].to == ["ana@example.com"]
    assert card.display_code in mail.outbox[0].body


def test_a_shop_manager_deactivates_a_card_and_cannot_change_its_balance(
    client, shop_manager, gift_card
):
    client.force_login(shop_manager)
    client.post(
        reverse("shop_giftcard:edit", args=[gift_card.pk]),
        {"expires_at": "", "balance_cents": 1},
    )
    gift_card.refresh_from_db()
    assert (gift_card.is_active, gift_card.balance_cents) == (False, 10000)


def test_the_card_page_shows_its_ledger(client, shop_manager, gift_card, order):
    gift_card_redeem(card=gift_card, amount_cents=3000, order=order)
    client.force_login(shop_manager)
    page = client.get(reverse("shop_giftcard:inspect", args=[gift_card.pk])).content.decode()
    assert "Issued" in page and "Redeemed" in page
    assert order.number in page
    assert "$70.00" in page
    assert gift_card.masked_code in page
    assert gift_card.display_code not in page


def test_an_editor_resends_the_recipient_email(client, shop_manager):
    card = issue_card(5000, recipient_email="ana@example.com")
    client.force_login(shop_manager)
    client.post(reverse("shop_giftcard:resend", args=[card.pk]))
    client.post(reverse("shop_giftcard:resend", args=[card.pk]))
    assert [m.to for m in mail.outbox] == [["ana@example.com"], ["ana@example.com"]]


def test_resending_needs_a_post(client, shop_manager):
    card = issue_card(5000, recipient_email="ana@example.com")
    client.force_login(shop_manager)
    assert client.get(reverse("shop_giftcard:resend", args=[card.pk])).status_code == 405
    assert not mail.outbox


def test_the_liability_report_shows_the_outstanding_balance(client, shop_manager, gift_card):
    issue_card(2500)
    client.force_login(shop_manager)
    page = client.get(reverse("shop_gift_card_liability")).content.decode()
    assert "$125.00" in page


def test_customers_cannot_see_the_liability_report(client, user):
    client.force_login(user)
    assert client.get(reverse("shop_gift_card_liability")).status_code in (302, 403)


def test_shop_managers_manage_promotions(client, shop_manager, course):
    client.force_login(shop_manager)
    response = client.post(
        reverse("promotion:add"),
        {
            "name": "Spring",
            "banner_text": "A $100 gift card with select purchases",
            "starts_at": "2026-03-01 00:00",
            "ends_at": "2026-04-01 00:00",
            "eligible_courses": [course.pk],
            "reward_cents": "100.00",
            "minimum_order_cents": "0",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert list(Promotion.objects.get().eligible_courses.all()) == [course]
