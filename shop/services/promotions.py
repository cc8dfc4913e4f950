"""Promotions: the reward gift card a qualifying paid order earns."""

from datetime import timedelta

from django.conf import settings

from shop.models import GiftCard, Order, Promotion
from shop.services.gift_cards import gift_card_issue


def promotion_reward_issue(*, order: Order, promotion: Promotion) -> None:
    """Issue the promotion's reward card for the paid order (one per order and promotion).

    The reward is the buyer's at once (claimed into their account, shown on the receipt) but
    pending: it can pay only once the order's refund window (`SHOP_REFUND_WINDOW_DAYS` from
    `paid_at`) has passed, and a full refund inside the window voids it unspent.
    """
    window = timedelta(days=settings.SHOP_REFUND_WINDOW_DAYS)
    gift_card_issue(
        amount_cents=promotion.reward_cents,
        source=GiftCard.Source.PROMOTION,
        owner=order.user,
        recipient_email=order.email,
        pending_until=order.paid_at + window if window else None,
        order=order,
        promotion=promotion,
    )
