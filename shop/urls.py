from django.urls import path

from shop import views

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
    path("shop/gift-cards/", views.gift_card_shop, name="gift_card_shop"),
    path("shop/gift-cards/claim/", views.claim_gift_card, name="gift_card_claim"),
    path("shop/checkout/", views.checkout, name="checkout"),
    path("shop/checkout/<str:number>/test-payment/", views.test_payment, name="test_payment"),
    path("shop/checkout/<str:number>/pay/", views.stripe_payment, name="stripe_payment"),
    path("shop/checkout/<str:number>/return/", views.payment_return, name="payment_return"),
    path("shop/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("account/gift-cards/", views.gift_card_list, name="gift_card_list"),
    path("account/orders/", views.order_list, name="order_list"),
    path("account/orders/<str:number>/", views.order_detail, name="order_detail"),
]
