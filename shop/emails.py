"""Order and gift card emails: a text and an HTML part rendered from templates/shop/emails/."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from shop.models import GiftCard, Order
from website.absolute_urls import absolute_url

SUBJECTS = {
    "receipt": "Your receipt for order {number}",
    "refund": "Your refund for order {number}",
    "unfulfilled": "We could not complete order {number}: your payment is refunded",
}


def send_order_email_now(*, order_id: int, kind: str) -> None:
    order = (
        Order.objects.select_related("user")
        .prefetch_related("lines__gift_cards", "reward_cards")
        .get(pk=order_id)
    )
    context = {"order": order, "site_url": absolute_url("/").rstrip("/")}
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{SUBJECTS[kind].format(number=order.number)}",
        body=render_to_string(f"shop/emails/{kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.email],
    )
    message.attach_alternative(render_to_string(f"shop/emails/{kind}.html", context), "text/html")
    message.send()


def send_gift_card_email_now(*, card_id: int) -> None:
    """The recipient's email: the code, the message and a link to claim the card."""
    card = GiftCard.objects.select_related("order_line__order").get(pk=card_id)
    claim_url = absolute_url(f"{reverse('shop:gift_card_claim')}?code={card.code}")
    buyer = card.order_line.order.email if card.order_line else ""
    context = {"card": card, "claim_url": claim_url, "buyer": buyer}
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}You have received a Coachhouse gift card",
        body=render_to_string("shop/emails/gift_card.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[card.recipient_email],
    )
    message.attach_alternative(render_to_string("shop/emails/gift_card.html", context), "text/html")
    message.send()
