"""State changes of the store, one module per sub-domain; import them from here.

`carts`, `coupons`, `gift_cards`, `promotions`, `orders` with the payment state machine, and
`refunds` (refunds and disputes: what goes back, and taking back what an order gave).
Provider events are parsed and dispatched in `shop.payments.webhooks`.
"""

from shop.selectors import REFUNDABLE
from shop.services.carts import (
    cart_add_course,
    cart_get_or_create,
    cart_merge,
    cart_remove_course,
    course_check_purchasable,
)
from shop.services.coupons import (
    cart_apply_coupon,
    cart_remove_coupon,
    coupon_release_for_order,
    coupon_take_for_order,
    coupon_validate,
)
from shop.services.gift_cards import (
    GIFT_CARD_HOLD_MINUTES,
    cart_add_gift_card,
    cart_apply_gift_card,
    cart_remove_gift_card,
    cart_remove_gift_card_line,
    gift_card_claim,
    gift_card_claim_delivery,
    gift_card_issue,
    gift_card_mark_delivered,
    gift_card_redeem,
    gift_card_schedule_delivery,
    gift_card_void,
    gift_cards_deliver_due,
    gift_cards_expire_due,
    gift_cards_freeze,
    gift_cards_issue_for_line,
    gift_cards_release_for_order,
    gift_cards_retake_for_order,
    gift_cards_unfreeze,
)
from shop.services.orders import (
    PAYABLE,
    checkout_start,
    order_apply_payment,
    order_cancel,
    order_fail,
    order_fulfil,
    order_place,
    order_release_holds,
    order_start_payment,
    orders_release_abandoned,
)
from shop.services.promotions import promotion_reward_issue
from shop.services.refunds import (
    order_dispute_close,
    order_dispute_open,
    order_record_refund,
    order_refund,
    order_refund_unfulfilled,
)

__all__ = [
    "GIFT_CARD_HOLD_MINUTES",
    "PAYABLE",
    "REFUNDABLE",
    "cart_add_course",
    "cart_add_gift_card",
    "cart_apply_coupon",
    "cart_apply_gift_card",
    "cart_get_or_create",
    "cart_merge",
    "cart_remove_coupon",
    "cart_remove_course",
    "cart_remove_gift_card",
    "cart_remove_gift_card_line",
    "checkout_start",
    "coupon_release_for_order",
    "coupon_take_for_order",
    "coupon_validate",
    "course_check_purchasable",
    "gift_card_claim",
    "gift_card_claim_delivery",
    "gift_card_issue",
    "gift_card_mark_delivered",
    "gift_card_redeem",
    "gift_card_schedule_delivery",
    "gift_card_void",
    "gift_cards_deliver_due",
    "gift_cards_expire_due",
    "gift_cards_freeze",
    "gift_cards_issue_for_line",
    "gift_cards_release_for_order",
    "gift_cards_retake_for_order",
    "gift_cards_unfreeze",
    "order_apply_payment",
    "order_cancel",
    "order_dispute_close",
    "order_dispute_open",
    "order_fail",
    "order_fulfil",
    "order_place",
    "order_record_refund",
    "order_refund",
    "order_refund_unfulfilled",
    "order_release_holds",
    "order_start_payment",
    "orders_release_abandoned",
    "promotion_reward_issue",
]
