"""Store pages: cart, mini-cart summary, checkout, payment pages, webhook, the customer's orders."""

import logging

from csp.decorators import csp_update
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import CoursePage
from shop.exceptions import GatewayError, GiftCardError, PaymentDeclined, ShopError
from shop.forms import GiftCardCodeForm, GiftCardPurchaseForm, ItemForm
from shop.models import GiftCardDenomination, Order
from shop.money import format_money
from shop.payments import get_gateway
from shop.payments.local import TestGateway
from shop.payments.stripe_gateway import WebhookInvalid, parse_webhook
from shop.selectors import (
    CART_COOKIE,
    cart_for,
    cart_summary,
    cart_totals,
    gift_cards_for,
    orders_for,
)
from shop.services import (
    cart_add_course,
    cart_add_gift_card,
    cart_apply_coupon,
    cart_apply_gift_card,
    cart_get_or_create,
    cart_remove_coupon,
    cart_remove_course,
    cart_remove_gift_card,
    cart_remove_gift_card_line,
    checkout_start,
    gift_card_claim,
    order_apply_payment,
    payment_event_process,
)

logger = logging.getLogger("coachhouse.shop")

CART_COOKIE_AGE = 60 * 60 * 24 * 60


class CourseChoiceForm(forms.Form):
    # Page ids are 32-bit integers; a larger number must be a form error, not a database error.
    course = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class CouponForm(forms.Form):
    code = forms.CharField(max_length=40, strip=True)


def _cart(request):
    return cart_for(user=request.user, token=request.COOKIES.get(CART_COOKIE))


def _remember_cart(request, response, cart) -> None:
    """Anonymous carts are found again by a cookie holding their random token."""
    if not request.user.is_authenticated and request.COOKIES.get(CART_COOKIE) != str(cart.token):
        response.set_cookie(
            CART_COOKIE,
            str(cart.token),
            max_age=CART_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )


def _private(response):
    add_never_cache_headers(response)
    return response


@require_GET
def cart(request):
    totals = cart_totals(cart=_cart(request), user=request.user)
    return _private(render(request, "shop/cart.html", {"totals": totals}))


@require_GET
def cart_summary_json(request):
    """The header mini-cart's numbers; personal, so never cached."""
    summary = cart_summary(cart=_cart(request))
    subtotal = format_money(summary.subtotal_cents, settings.SITE_CURRENCY)
    items = "item" if summary.count == 1 else "items"
    return _private(
        JsonResponse(
            {
                "count": summary.count,
                "subtotal_cents": summary.subtotal_cents,
                "subtotal": subtotal,
                "label": f"{subtotal} · {summary.count} {items}",
            }
        )
    )


@require_POST
def cart_add(request):
    form = CourseChoiceForm(request.POST)
    course = (
        CoursePage.objects.filter(pk=form.cleaned_data["course"]).first()
        if form.is_valid()
        else None
    )
    if course is None:
        messages.error(request, "That course does not exist.")
        return redirect("shop:cart")
    cart = cart_get_or_create(user=request.user, token=request.COOKIES.get(CART_COOKIE))
    try:
        added = cart_add_course(cart=cart, course=course, user=request.user)
    except ShopError as exc:
        messages.error(request, str(exc))
        return redirect(course.url if course.live else "shop:cart")
    messages.success(
        request, f"“{course.title}” {'is now' if added else 'was already'} in your cart."
    )
    response = redirect("shop:cart")
    _remember_cart(request, response, cart)
    return response


@require_POST
def cart_remove(request):
    form = CourseChoiceForm(request.POST)
    cart = _cart(request)
    if form.is_valid() and cart is not None:
        cart_remove_course(cart=cart, course_id=form.cleaned_data["course"])
        messages.success(request, "Removed from your cart.")
    return redirect("shop:cart")


# Failed codes allowed per visitor (IP address) per hour, so codes cannot be guessed.
COUPON_ATTEMPTS_PER_HOUR = 20
GIFT_CARD_ATTEMPTS_PER_HOUR = 10


def _attempts_key(request, kind: str) -> str:
    return f"shop:{kind}-failures:{request.META.get('REMOTE_ADDR', '')}"


def _count_failure(key: str) -> None:
    cache.add(key, 0, timeout=60 * 60)
    cache.incr(key)


@require_POST
def coupon_apply(request):
    form = CouponForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a coupon code.")
        return redirect("shop:cart")
    key = _attempts_key(request, "coupon")
    if _rate_limited(request, key, limit=COUPON_ATTEMPTS_PER_HOUR, what="coupon"):
        return redirect("shop:cart")
    cart = cart_get_or_create(user=request.user, token=request.COOKIES.get(CART_COOKIE))
    try:
        coupon = cart_apply_coupon(cart=cart, code=form.cleaned_data["code"], user=request.user)
    except ShopError as exc:
        _count_failure(key)
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Coupon {coupon.code} applied.")
    response = redirect("shop:cart")
    _remember_cart(request, response, cart)
    return response


@require_POST
def coupon_remove(request):
    cart = _cart(request)
    if cart is not None:
        cart_remove_coupon(cart=cart)
        messages.success(request, "Coupon removed.")
    return redirect("shop:cart")


# Gift cards ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def gift_card_shop(request):
    """Choose a value and a recipient; the gift card goes into the cart like a course."""
    form = GiftCardPurchaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cart = cart_get_or_create(user=request.user, token=request.COOKIES.get(CART_COOKIE))
        data = form.cleaned_data
        try:
            cart_add_gift_card(
                cart=cart,
                denomination_id=data["denomination"].pk,
                quantity=data["quantity"],
                recipient_name=data["recipient_name"],
                recipient_email=data["recipient_email"],
                message=data["message"],
                deliver_on=data["deliver_on"],
            )
        except ShopError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"{data['denomination']} for {data['recipient_name']} is in your cart."
            )
            response = redirect("shop:cart")
            _remember_cart(request, response, cart)
            return response
    context = {
        "form": form,
        "has_denominations": GiftCardDenomination.objects.filter(is_active=True).exists(),
    }
    return _private(render(request, "shop/gift_card_shop.html", context))


@require_POST
def gift_card_line_remove(request):
    form = ItemForm(request.POST)
    cart = _cart(request)
    if form.is_valid() and cart is not None:
        cart_remove_gift_card_line(cart=cart, line_id=form.cleaned_data["item"])
        messages.success(request, "Removed from your cart.")
    return redirect("shop:cart")


def _rate_limited(
    request, key: str, *, limit: int = GIFT_CARD_ATTEMPTS_PER_HOUR, what: str = "gift card"
) -> bool:
    """True, with a message saying so, once this visitor has failed `limit` codes this hour."""
    if cache.get(key, 0) >= limit:
        messages.error(request, f"Too many {what} codes tried. Please try again in an hour.")
        return True
    return False


@require_POST
def gift_card_apply(request):
    """Pay part or all of the cart with a gift card code (failed codes are rate-limited)."""
    form = GiftCardCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a gift card code.")
        return redirect("shop:cart")
    key = _attempts_key(request, "gift-card")
    if _rate_limited(request, key):
        return redirect("shop:cart")
    cart = cart_get_or_create(user=request.user, token=request.COOKIES.get(CART_COOKIE))
    try:
        card = cart_apply_gift_card(cart=cart, code=form.cleaned_data["code"], user=request.user)
    except GiftCardError as exc:
        _count_failure(key)
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Gift card {card.display_code} applied.")
    response = redirect("shop:cart")
    _remember_cart(request, response, cart)
    return response


@require_POST
def gift_card_unapply(request):
    form = ItemForm(request.POST)
    cart = _cart(request)
    if form.is_valid() and cart is not None:
        cart_remove_gift_card(cart=cart, card_id=form.cleaned_data["item"])
        messages.success(request, "Gift card removed from this order.")
    return redirect("shop:cart")


@login_required
@require_http_methods(["GET", "POST"])
def claim_gift_card(request):
    """Claim a card into the account, from the emailed link (code prefilled) or by typing it."""
    form = GiftCardCodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        key = _attempts_key(request, "gift-card")
        if not _rate_limited(request, key):
            try:
                card = gift_card_claim(code=form.cleaned_data["code"], user=request.user)
            except GiftCardError as exc:
                _count_failure(key)
                messages.error(request, str(exc))
            else:
                messages.success(request, f"Gift card {card.display_code} is now in your account.")
                return redirect("shop:gift_card_list")
    return _private(render(request, "shop/gift_card_claim.html", {"form": form}))


@login_required
@require_GET
def gift_card_list(request):
    """My account → Gift cards: claimed cards with balance and history."""
    cards = gift_cards_for(user=request.user)
    return _private(render(request, "shop/gift_card_list.html", {"cards": cards}))


@require_http_methods(["GET", "POST"])
def checkout(request):
    """Review the server's totals; logged in, "Pay" places the order and opens its payment."""
    cart = _cart(request)
    totals = cart_totals(cart=cart, user=request.user)
    if not totals.count:
        messages.info(request, "Your cart is empty.")
        return redirect("shop:cart")
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("shop:checkout"))
        gateway = get_gateway()
        try:
            order, payment = checkout_start(cart=cart, user=request.user, gateway=gateway)
        except ShopError as exc:
            messages.error(request, str(exc))
            return redirect("shop:cart")
        except GatewayError:
            logger.exception("Could not open a payment")
            messages.error(
                request,
                "We could not reach the payment provider. Nothing was charged; please try again.",
            )
            return redirect("shop:checkout")
        if payment is None:
            return _after_payment(request, order)
        return redirect(gateway.payment_url_name, number=order.number)
    context = {"totals": totals, "gateway": get_gateway(), "checkout_url": reverse("shop:checkout")}
    return _private(render(request, "shop/checkout.html", context))


def _customer_order(request, number: str) -> Order:
    return get_object_or_404(Order, number=number, user=request.user)


def _after_payment(request, order: Order):
    """Where a customer goes once the gateway has spoken: My courses (or the receipt when only
    gift cards were bought), the cart, or the order."""
    order.refresh_from_db()
    if order.grants_access:
        messages.success(
            request,
            f"Thank you! Order {order.number} is paid; your receipt is on its way by email.",
        )
        # An order of gift cards only has no course to start: show its receipt and codes.
        if not order.lines.filter(is_gift_card=False).exists():
            return redirect(order)
        return redirect("courses:library")
    if order.status == Order.Status.FAILED:
        messages.error(request, str(PaymentDeclined(order.failure_message)))
        return redirect("shop:cart")
    return redirect(order)


@login_required
@require_http_methods(["GET", "POST"])
def test_payment(request, number):
    """The demo's payment page: "Test payment — no money moves", with Pay and Decline."""
    order = _customer_order(request, number)
    gateway = get_gateway()
    if not isinstance(gateway, TestGateway) or order.gateway != gateway.name:
        raise Http404("This order is not paid through the test gateway.")
    if order.status != Order.Status.PENDING:
        return _after_payment(request, order)
    if request.method == "POST":
        payment = gateway.settle(
            reference=order.gateway_reference,
            amount_cents=order.total_cents,
            approve=request.POST.get("action") == "pay",
        )
        order_apply_payment(order=order, payment=payment)
        return _after_payment(request, order)
    return _private(render(request, "shop/test_payment.html", {"order": order}))


# Stripe.js and its Payment Element frames: allowed on this one page only.
STRIPE_CSP = {
    "script-src": ["https://js.stripe.com"],
    "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
    "connect-src": ["https://api.stripe.com"],
}


@csp_update(STRIPE_CSP)
@login_required
@require_GET
def stripe_payment(request, number):
    """Stripe's Payment Element for the order's PaymentIntent; the browser confirms it."""
    order = _customer_order(request, number)
    gateway = get_gateway()
    if gateway.name != "stripe" or order.gateway != gateway.name:
        raise Http404("This order is not paid through Stripe.")
    if order.status != Order.Status.PENDING:
        return _after_payment(request, order)
    try:
        payment = gateway.retrieve_payment(order.gateway_reference)
    except GatewayError:
        logger.exception("Could not reopen payment for order %s", order.number)
        messages.error(
            request,
            "We could not reach the payment provider. Nothing was charged; please try again.",
        )
        return redirect("shop:checkout")
    context = {
        "order": order,
        "client_secret": payment.client_secret,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "return_url": request.build_absolute_uri(
            reverse("shop:payment_return", kwargs={"number": number})
        ),
    }
    return _private(render(request, "shop/stripe_payment.html", context))


@login_required
@require_GET
def payment_return(request, number):
    """Stripe sends the customer back here; we ask Stripe rather than wait for the webhook."""
    order = _customer_order(request, number)
    if order.gateway_reference and order.status == Order.Status.PENDING:
        try:
            order_apply_payment(
                order=order, payment=get_gateway().retrieve_payment(order.gateway_reference)
            )
        except GatewayError:
            logger.exception("Could not confirm payment for order %s", order.number)
    return _after_payment(request, order)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe events: 400 unless signed with our endpoint secret; each event id handled once."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        return HttpResponseBadRequest("Stripe webhooks are not configured on this site.")
    try:
        event = parse_webhook(
            payload=request.body,
            signature=request.headers.get("Stripe-Signature", ""),
            secret=settings.STRIPE_WEBHOOK_SECRET,
        )
    except WebhookInvalid as exc:
        logger.warning("Rejected a Stripe webhook: %s", exc)
        return HttpResponseBadRequest("Invalid Stripe signature or payload.")
    result = payment_event_process(event=event)
    return HttpResponse(result, content_type="text/plain")


@login_required
@require_GET
def order_list(request):
    return _private(
        render(request, "shop/order_list.html", {"orders": orders_for(user=request.user)})
    )


@login_required
@require_GET
def order_detail(request, number):
    """The order and its receipt, for its owner only."""
    order = _customer_order(request, number)
    return _private(render(request, "shop/order_detail.html", {"order": order}))
