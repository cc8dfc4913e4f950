"""Checkout, the payment pages, the payment webhook, and the customer's orders."""

import logging

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shop.exceptions import GatewayError, OrderNotPayable, PaymentDeclined, ShopError
from shop.models import Order
from shop.payments import get_gateway
from shop.payments.webhooks import WebhookInvalid, webhook_receive
from shop.selectors import cart_totals, order_gift_card_credits, orders_for
from shop.services import PAYABLE, checkout_start, order_apply_payment
from shop.views.carts import private, visitor_cart
from shop.views.checkout_account import checkout_context
from website.absolute_urls import absolute_url

logger = logging.getLogger("coachhouse.shop")


@require_http_methods(["GET", "POST"])
def checkout(request):
    """Review the server's totals; logged in, "Pay" places the order and opens its payment."""
    cart = visitor_cart(request)
    totals = cart_totals(cart=cart, user=request.user)
    if not totals.count:
        return redirect("shop:cart")  # which says the cart is empty
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
    return private(render(request, "shop/checkout.html", checkout_context(request, totals=totals)))


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
        if order.lines.filter(plan__isnull=False).exists():
            return redirect("shop:membership_account")
        # An order of gift cards only has no course to start: show its receipt and codes.
        if not order.lines.filter(is_gift_card=False).exists():
            return redirect(order)
        return redirect("courses:library")
    if order.status == Order.Status.FAILED:
        messages.error(request, str(PaymentDeclined(order.failure_message)))
        return redirect("shop:cart")
    if order.paid_but_not_fulfilled:
        messages.error(
            request,
            f"Order {order.number} was canceled (or its payment failed) before your payment "
            "arrived, and what it held has gone, so it could not be completed. Your payment "
            f"{'has been' if order.status == Order.Status.REFUNDED else 'is being'} refunded "
            "in full.",
        )
    elif order.status == Order.Status.CANCELED:
        messages.error(request, str(OrderNotPayable(order.number)))
    return redirect(order)


@login_required
@require_http_methods(["GET", "POST"])
def test_payment(request, number):
    """The demo's payment page: "Test payment — no money moves", with Pay and Decline."""
    order = _customer_order(request, number)
    gateway = get_gateway()
    if not gateway.offers_test_payment_page or order.gateway != gateway.name:
        raise Http404("This order is not paid through the test gateway.")
    if order.status != Order.Status.PENDING:
        # A canceled order (superseded, abandoned) is refused here: its holds are released.
        return _after_payment(request, order)
    if request.method == "POST":
        payment = gateway.settle_test_payment(
            reference=order.gateway_reference,
            amount_cents=order.total_cents,
            approve=request.POST.get("action") == "pay",
        )
        order_apply_payment(order=order, payment=payment)
        return _after_payment(request, order)
    return private(render(request, "shop/test_payment.html", {"order": order}))


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
        # A free trial saves the card (confirmSetup) instead of paying (confirmPayment).
        "intent": "setup" if payment.is_setup else "payment",
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "return_url": absolute_url(reverse("shop:payment_return", kwargs={"number": number})),
    }
    return private(render(request, "shop/stripe_payment.html", context))


@login_required
@require_GET
def payment_return(request, number):
    """Stripe sends the customer back here; we ask Stripe rather than wait for the webhook."""
    order = _customer_order(request, number)
    # A canceled or failed order is asked about too: a payment that went through after all
    # is a late payment, fulfilled or refunded by `order_apply_payment`.
    if order.gateway_reference and order.status in PAYABLE:
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
    gateway = get_gateway()
    if not gateway.receives_webhooks:
        return HttpResponseBadRequest("Stripe webhooks are not configured on this site.")
    try:
        result = webhook_receive(gateway=gateway, payload=request.body, headers=request.headers)
    except WebhookInvalid as exc:
        logger.warning("Rejected a Stripe webhook: %s", exc)
        return HttpResponseBadRequest("Invalid Stripe signature or payload.")
    except GatewayError as exc:
        # Handling it needed Stripe, which failed: nothing was recorded, so Stripe's retry
        # of a non-2xx answer handles the event then.
        logger.warning("A Stripe webhook waits for Stripe: %s", exc)
        return HttpResponse(
            "Stripe could not be reached; retry later.", status=503, content_type="text/plain"
        )
    return HttpResponse(result, content_type="text/plain")


@login_required
@require_GET
def order_list(request):
    return private(
        render(request, "shop/order_list.html", {"orders": orders_for(user=request.user)})
    )


@login_required
@require_GET
def order_detail(request, number):
    """The order and its receipt, for its owner only."""
    order = _customer_order(request, number)
    context = {"order": order, "gift_card_credits": order_gift_card_credits(order=order)}
    return private(render(request, "shop/order_detail.html", context))
