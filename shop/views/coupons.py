"""Applying a coupon code to the cart and removing it."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from shop.exceptions import ShopError
from shop.services import cart_apply_coupon, cart_remove_coupon
from shop.views.carts import visitor_cart
from shop.views.rate_limits import apply_code


class CouponForm(forms.Form):
    code = forms.CharField(max_length=40, strip=True)


@require_POST
def coupon_apply(request):
    return apply_code(
        request,
        CouponForm(request.POST),
        action="coupon_code",
        what="coupon",
        apply=cart_apply_coupon,
        refusals=ShopError,
        applied=lambda coupon: f"Coupon {coupon.code} applied.",
    )


@require_POST
def coupon_remove(request):
    cart = visitor_cart(request)
    if cart is not None:
        cart_remove_coupon(cart=cart)
        messages.success(request, "Coupon removed.")
    return redirect("shop:cart")
