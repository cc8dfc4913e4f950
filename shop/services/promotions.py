"""Promotions: the reward gift card a qualifying paid order earns."""

from shop.models import GiftCard, Order, Promotion
from shop.services.gift_cards import gift_card_issue


def promotion_reward_issue(*, order: Order, promotion: Promotion) -> None:
    """Issue the promotion's reward card for the paid order (one per order and promotion).

    The reward is the buyer's at once (claimed into their account) and the receipt shows it.
    """
    gift_card_issue(
        amount_cents=promotion.reward_cents,
        source=GiftCard.Source.PROMOTION,
        owner=order.user,
        recipient_email=order.email,
        order=order,
        promotion=promotion,
    )
