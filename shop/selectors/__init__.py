"""Reads for the store, one module per sub-domain; import them from here.

Totals are always computed from the database; nothing a browser sends is a price.
"""

from shop.selectors.carts import (
    CART_COOKIE,
    CartSummary,
    CartTotals,
    cart_for,
    cart_size_refusal,
    cart_summary,
    cart_totals,
)
from shop.selectors.coupons import coupon_discount_cents, coupon_refusal
from shop.selectors.gift_cards import (
    REWARD_PAYS_COURSES_ONLY,
    GiftCardUse,
    LiabilityMonth,
    format_date,
    gift_card_by_code,
    gift_card_check,
    gift_card_liability,
    gift_card_uses_for_cart,
    gift_cards_for,
)
from shop.selectors.orders import (
    OrderDetail,
    OrderHistoryEntry,
    Refundable,
    order_admin_detail,
    order_cards_given,
    order_cards_spent_cents,
    order_refundable,
    orders_for,
)
from shop.selectors.promotions import (
    order_qualifying_cents,
    promotion_banner,
    promotion_for_course,
    promotion_reward_warning,
    promotions_earned,
    promotions_next_change,
    promotions_running,
)
from shop.selectors.refunds import (
    REFUNDABLE,
    CardCredit,
    RefundPreview,
    order_card_credits,
    order_refund_preview,
    refund_card_withhold_cents,
    refund_is_full,
)

__all__ = [
    "CART_COOKIE",
    "REFUNDABLE",
    "REWARD_PAYS_COURSES_ONLY",
    "CardCredit",
    "CartSummary",
    "CartTotals",
    "GiftCardUse",
    "LiabilityMonth",
    "OrderDetail",
    "OrderHistoryEntry",
    "RefundPreview",
    "Refundable",
    "cart_for",
    "cart_size_refusal",
    "cart_summary",
    "cart_totals",
    "coupon_discount_cents",
    "coupon_refusal",
    "format_date",
    "gift_card_by_code",
    "gift_card_check",
    "gift_card_liability",
    "gift_card_uses_for_cart",
    "gift_cards_for",
    "order_admin_detail",
    "order_card_credits",
    "order_cards_given",
    "order_cards_spent_cents",
    "order_qualifying_cents",
    "order_refund_preview",
    "order_refundable",
    "orders_for",
    "promotion_banner",
    "promotion_for_course",
    "promotion_reward_warning",
    "promotions_earned",
    "promotions_next_change",
    "promotions_running",
    "refund_card_withhold_cents",
    "refund_is_full",
]
