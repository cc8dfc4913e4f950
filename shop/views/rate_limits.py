"""Failed code attempts (coupons, gift cards), counted by the site's one limiter."""

from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect

from shop.selectors import CART_COOKIE
from shop.services import cart_get_or_create
from shop.views.carts import remember_cart
from website import ratelimits


def rate_limited(request, action: str, *, what: str) -> bool:
    """True, with a message saying so, once this visitor has failed too many codes."""
    if ratelimits.limit_reached(request, action):
        messages.error(request, f"Too many {what} codes tried. Please try again in an hour.")
        return True
    return False


def apply_code(
    request,
    form,
    *,
    action: str,
    what: str,
    apply: Callable,
    refusals: type[Exception],
    applied: Callable[[object], str],
):
    """Apply what `form` names (a typed code, or a claimed card's id) to the visitor's cart with
    `apply(cart=, user=, **form.cleaned_data)`.

    A refusal (`refusals`) is shown and counted against the visitor's limit for `action`; once
    it is reached no code is tried at all. Always back to the cart, which is remembered.
    """
    if not form.is_valid():
        messages.error(request, f"Enter a {what} code.")
        return redirect("shop:cart")
    if rate_limited(request, action, what=what):
        return redirect("shop:cart")
    cart = cart_get_or_create(user=request.user, token=request.COOKIES.get(CART_COOKIE))
    try:
        result = apply(cart=cart, user=request.user, **form.cleaned_data)
    except refusals as exc:
        ratelimits.count(request, action)
        messages.error(request, str(exc))
    else:
        messages.success(request, applied(result))
    response = redirect("shop:cart")
    remember_cart(request, response, cart)
    return response
