"""Store pages, one module per sub-domain: carts, coupons, gift cards, and orders (checkout,
payment pages, the payment webhook, the customer's orders). `shop.urls` names them from here.
"""

from shop.views.carts import cart, cart_add, cart_remove, cart_summary_json
from shop.views.checkout_account import checkout_login, checkout_signup
from shop.views.coupons import coupon_apply, coupon_remove
from shop.views.gift_cards import (
    claim_gift_card,
    gift_card_apply,
    gift_card_line_remove,
    gift_card_list,
    gift_card_shop,
    gift_card_unapply,
)
from shop.views.instalments import cart_instalments, instalment_account
from shop.views.memberships import (
    cart_add_membership,
    cart_remove_membership,
    membership_account,
    membership_plans,
)
from shop.views.orders import (
    checkout,
    order_detail,
    order_list,
    payment_return,
    stripe_payment,
    stripe_webhook,
    test_payment,
)

__all__ = [
    "cart",
    "cart_add",
    "cart_add_membership",
    "cart_instalments",
    "cart_remove",
    "cart_remove_membership",
    "cart_summary_json",
    "checkout",
    "checkout_login",
    "checkout_signup",
    "claim_gift_card",
    "coupon_apply",
    "coupon_remove",
    "gift_card_apply",
    "gift_card_line_remove",
    "gift_card_list",
    "gift_card_shop",
    "gift_card_unapply",
    "instalment_account",
    "membership_account",
    "membership_plans",
    "order_detail",
    "order_list",
    "payment_return",
    "stripe_payment",
    "stripe_webhook",
    "test_payment",
]
