"""Applying a coupon code to the cart and removing it."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from shop.exceptions import ShopError
from shop.selectors import CART_COOKIE
from shop.services import cart_apply_coupon, cart_get_or_create, cart_remove_coupon
from shop.views.carts import remember_cart, visitor_cart
from shop.views.rate_limits import (
    COUPON_ATTEMPTS_PER_HOUR,
    attempts_key,
    count_failure,
    rate_limited,
)


class CouponForm(forms.Form):
    code = forms.CharField(max_length=40, strip=True)


@require_POST
def coupon_apply(request):
    form = CouponForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a coupon code.")
        return redirect("shop:cart")
    key = attempts_key(request, "coupon")
    if rate_limited(request, key, limit=COUPON_ATTEMPTS_PER_HOUR, what="coupon"):
        return redirect("shop:cart")
    cart = cart_get_or_create(user=request.user, token=request.COOKIES.get(CART_COOKIE))
    try:
        coupon = cart_apply_coupon(cart=cart, code=form.cleaned_data["code"], user=request.user)
    except ShopError as exc:
        count_failure(key)
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Coupon {coupon.code} applied.")
    response = redirect("shop:cart")
    remember_cart(request, response, cart)
    return response


@require_POST
def coupon_remove(request):
    cart = visitor_cart(request)
    if cart is not None:
        cart_remove_coupon(cart=cart)
        messages.success(request, "Coupon removed.")
    return redirect("shop:cart")
