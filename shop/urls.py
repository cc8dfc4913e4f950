from django.urls import path, register_converter

from shop import views
from shop.models.orders import ORDER_NUMBER_ALPHABET
from shop.views import membership_billing


class OrderNumberConverter:
    """Only the order-number alphabet reaches a view: anything else (a NUL byte, which
    PostgreSQL refuses in a query) is a 404 before the database sees it."""

    regex = f"CH-[{ORDER_NUMBER_ALPHABET}]{{1,17}}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(OrderNumberConverter, "order_number")

app_name = "shop"

urlpatterns = [
    path("shop/cart/", views.cart, name="cart"),
    path("shop/cart/add/", views.cart_add, name="cart_add"),
    path("shop/cart/remove/", views.cart_remove, name="cart_remove"),
    path("shop/cart/coupon/", views.coupon_apply, name="coupon_apply"),
    path("shop/cart/coupon/remove/", views.coupon_remove, name="coupon_remove"),
    path("shop/cart/summary.json", views.cart_summary_json, name="cart_summary"),
    path("shop/cart/gift-card/remove/", views.gift_card_line_remove, name="gift_card_line_remove"),
    path("shop/cart/gift-card-code/", views.gift_card_apply, name="gift_card_apply"),
    path("shop/cart/gift-card-code/remove/", views.gift_card_unapply, name="gift_card_unapply"),
    path("membership/", views.membership_plans, name="membership_plans"),
    path("shop/cart/plan/", views.cart_add_membership, name="cart_add_plan"),
    path("shop/cart/plan/remove/", views.cart_remove_membership, name="cart_remove_plan"),
    path("account/membership/", views.membership_account, name="membership_account"),
    path(
        "account/membership/switch/",
        membership_billing.membership_switch,
        name="membership_switch",
    ),
    path(
        "account/membership/<int:pk>/card/",
        membership_billing.membership_card,
        name="membership_card",
    ),
    path(
        "account/membership/<int:pk>/card/return/",
        membership_billing.membership_card_return,
        name="membership_card_return",
    ),
    path("shop/cart/instalments/", views.cart_instalments, name="cart_instalments"),
    path("account/payment-plans/", views.instalment_account, name="instalment_account"),
    path("shop/gift-cards/", views.gift_card_shop, name="gift_card_shop"),
    path("shop/gift-cards/claim/", views.claim_gift_card, name="gift_card_claim"),
    path("shop/checkout/", views.checkout, name="checkout"),
    path("shop/checkout/sign-up/", views.checkout_signup, name="checkout_signup"),
    path("shop/checkout/log-in/", views.checkout_login, name="checkout_login"),
    path(
        "shop/checkout/<order_number:number>/test-payment/", views.test_payment, name="test_payment"
    ),
    path("shop/checkout/<order_number:number>/pay/", views.stripe_payment, name="stripe_payment"),
    path(
        "shop/checkout/<order_number:number>/return/", views.payment_return, name="payment_return"
    ),
    path("shop/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("account/gift-cards/", views.gift_card_list, name="gift_card_list"),
    path("account/orders/", views.order_list, name="order_list"),
    path("account/orders/<order_number:number>/", views.order_detail, name="order_detail"),
]
