"""Order and gift card emails: templates/shop/emails/ in the site's one branded layout."""

from django.conf import settings
from django.urls import reverse

from shop.models import GiftCard, InstalmentPlan, Membership, Order
from shop.selectors import order_gift_card_credits
from website.absolute_urls import absolute_url
from website.emails import send_branded_email

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
    send_branded_email(
        template=f"shop/emails/{kind}",
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{SUBJECTS[kind].format(number=order.number)}",
        to=[order.email],
        context={
            "order": order,
            "gift_card_credits": order_gift_card_credits(order=order) if kind == "refund" else [],
        },
    )


def send_gift_card_email_now(*, card_id: int) -> None:
    """The recipient's email: the code, the message and a link to claim the card."""
    card = GiftCard.objects.select_related("order_line__order").get(pk=card_id)
    claim_url = absolute_url(f"{reverse('shop:gift_card_claim')}?code={card.code}")
    buyer = card.order_line.order.email if card.order_line else ""
    send_branded_email(
        template="shop/emails/gift_card",
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}You have received a Coachhouse gift card",
        to=[card.recipient_email],
        context={"card": card, "claim_url": claim_url, "buyer": buyer},
    )


MEMBERSHIP_SUBJECTS = {
    "payment_failed": "Your {plan} membership payment failed",
    "access_ending": "Your {plan} membership ends soon: update your payment",
}


def send_membership_email_now(*, membership_id: int, kind: str) -> None:
    """A dunning e-mail: the renewal failed (access kept until the grace period ends), or
    access ends soon; both link to My account → Membership."""
    membership = Membership.objects.select_related("plan", "user").get(pk=membership_id)
    subject = MEMBERSHIP_SUBJECTS[kind].format(plan=membership.plan.name)
    send_branded_email(
        template=f"shop/emails/membership_{kind}",
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        to=[membership.user.email],
        context={
            "membership": membership,
            "account_url": absolute_url(reverse("shop:membership_account")),
        },
    )


INSTALMENT_SUBJECTS = {
    "payment_failed": "Your instalment for {course} failed",
    "access_ending": "Your access to {course} ends soon: update your payment",
}


def send_instalment_email_now(*, plan_id: int, kind: str) -> None:
    """A payment plan's dunning e-mail: an instalment failed (access kept until the grace
    period ends), or access ends soon; both link to My account → Payment plans."""
    plan = InstalmentPlan.objects.select_related("user", "course").get(pk=plan_id)
    course = plan.course.title if plan.course else plan.title
    subject = INSTALMENT_SUBJECTS[kind].format(course=course)
    send_branded_email(
        template=f"shop/emails/instalments_{kind}",
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        to=[plan.user.email],
        context={
            "plan": plan,
            "course_title": course,
            "account_url": absolute_url(reverse("shop:instalment_account")),
        },
    )
