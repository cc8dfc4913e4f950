"""The store's models: the course store (`store`) and gift cards with promotions (`gift_cards`)."""

from shop.models.gift_cards import (
    GIFT_CARD_CODE_ALPHABET,
    GIFT_CARD_CODE_LENGTH,
    GiftCard,
    GiftCardDenomination,
    GiftCardTransaction,
    OrderGiftCard,
    Promotion,
    format_gift_card_code,
    new_gift_card_code,
    normalise_gift_card_code,
)
from shop.models.store import (
    ORDER_NUMBER_ALPHABET,
    Cart,
    CartGiftCardLine,
    CartLine,
    Coupon,
    CouponRedemption,
    Order,
    OrderLine,
    PaymentEvent,
    new_order_number,
)

__all__ = [
    "GIFT_CARD_CODE_ALPHABET",
    "GIFT_CARD_CODE_LENGTH",
    "ORDER_NUMBER_ALPHABET",
    "Cart",
    "CartGiftCardLine",
    "CartLine",
    "Coupon",
    "CouponRedemption",
    "GiftCard",
    "GiftCardDenomination",
    "GiftCardTransaction",
    "Order",
    "OrderGiftCard",
    "OrderLine",
    "PaymentEvent",
    "Promotion",
    "format_gift_card_code",
    "new_gift_card_code",
    "new_order_number",
    "normalise_gift_card_code",
]
