"""The store's models, one module per sub-domain: carts, coupons, orders, gift cards and
promotions. All live in the `shop` app; import them from here."""

from shop.models.carts import Cart, CartGiftCardLine, CartLine, CartPlanLine
from shop.models.coupons import Coupon, CouponRedemption
from shop.models.gift_cards import (
    GIFT_CARD_CODE_ALPHABET,
    GIFT_CARD_CODE_LENGTH,
    GiftCard,
    GiftCardDenomination,
    GiftCardTransaction,
    OrderGiftCard,
    format_gift_card_code,
    new_gift_card_code,
    normalise_gift_card_code,
)
from shop.models.instalments import InstalmentPayment, InstalmentPlan
from shop.models.memberships import (
    Membership,
    MembershipInvoice,
    MembershipPlan,
    add_interval,
)
from shop.models.orders import (
    ORDER_NUMBER_ALPHABET,
    Order,
    OrderLine,
    PaymentEvent,
    new_order_number,
)
from shop.models.promotions import Promotion

__all__ = [
    "GIFT_CARD_CODE_ALPHABET",
    "GIFT_CARD_CODE_LENGTH",
    "ORDER_NUMBER_ALPHABET",
    "Cart",
    "CartGiftCardLine",
    "CartLine",
    "CartPlanLine",
    "Coupon",
    "CouponRedemption",
    "GiftCard",
    "GiftCardDenomination",
    "GiftCardTransaction",
    "InstalmentPayment",
    "InstalmentPlan",
    "Membership",
    "MembershipInvoice",
    "MembershipPlan",
    "Order",
    "OrderGiftCard",
    "OrderLine",
    "PaymentEvent",
    "Promotion",
    "add_interval",
    "format_gift_card_code",
    "new_gift_card_code",
    "new_order_number",
    "normalise_gift_card_code",
]
