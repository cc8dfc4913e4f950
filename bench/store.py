"""Store timings and SQL query counts: add to cart, the cart, the mini-cart JSON, checkout,
applying a gift card code and redeeming a gift card.

Requests go in-process through Django's test client (the whole middleware stack, no
network) against the seeded demo database that `make bench` prepares; this module exposes
`run() -> list[(benchmark, metric, value)]` like the other benchmark modules ("bench.store").
Add-to-cart is measured for a new anonymous visitor each time (a cart is created, the
worst case); the checkout page for the demo customer with two courses and WELCOME10.
Gift card redemption is the service alone (lock, conditional update, ledger row), one cent
at a time from a card issued for the benchmark.
"""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from courses.models import CoursePage
from shop.models import Cart, GiftCard, Order
from shop.services import gift_card_issue, gift_card_redeem
from website.accounts.models import User

SECONDS_PER_TARGET = 2.0


class _QueryCounter:
    # Django resets its query log when each request starts, so count at the cursor instead.
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _timed(request) -> tuple[list[float], int]:
    """Run `request()` repeatedly for SECONDS_PER_TARGET; per-call ms and one call's queries."""
    request()  # warm-up
    queries = _QueryCounter()
    with connection.execute_wrapper(queries):
        request()
    timings, started = [], time.perf_counter()
    while time.perf_counter() - started < SECONDS_PER_TARGET:
        begun = time.perf_counter()
        request()
        timings.append((time.perf_counter() - begun) * 1000)
    return timings, queries.count


def _rows(name: str, timings: list[float], queries: int) -> list[tuple[str, str, str]]:
    ordered = sorted(timings)
    return [
        (name, "requests/s", f"{1000 / statistics.mean(timings):.0f}"),
        (name, "median ms", f"{statistics.median(ordered):.1f}"),
        (name, "p95 ms", f"{ordered[int(len(ordered) * 0.95) - 1]:.1f}"),
        (name, "SQL queries", str(queries)),
    ]


def _expect(response, status: int) -> None:
    if response.status_code != status:
        raise RuntimeError(f"{response.request['PATH_INFO']} answered {response.status_code}")


def run() -> list[tuple[str, str, str]]:
    balance = CoursePage.objects.get(slug="the-balance-gym")
    posture = CoursePage.objects.get(slug="pain-free-posture")
    customer = User.objects.get(email="customer@coachhouse.test")
    rows = []
    with override_settings(ALLOWED_HOSTS=["testserver"]):

        def add_to_cart():
            _expect(Client().post("/shop/cart/add/", {"course": balance.pk}), 302)

        rows += _rows("add to cart (new visitor)", *_timed(add_to_cart))

        shopper = Client()
        shopper.force_login(customer)
        Cart.objects.filter(user=customer).delete()
        for course in (balance, posture):
            _expect(shopper.post("/shop/cart/add/", {"course": course.pk}), 302)
        _expect(shopper.post("/shop/cart/coupon/", {"code": "WELCOME10"}), 302)

        rows += _rows(
            "cart page (2 courses, coupon)",
            *_timed(lambda: _expect(shopper.get("/shop/cart/"), 200)),
        )
        rows += _rows(
            "mini-cart JSON", *_timed(lambda: _expect(shopper.get("/shop/cart/summary.json"), 200))
        )
        rows += _rows(
            "checkout page (2 courses, coupon)",
            *_timed(lambda: _expect(shopper.get("/shop/checkout/"), 200)),
        )

        card = gift_card_issue(amount_cents=1_000_000_00, source=GiftCard.Source.MANUAL)
        rows += _rows(
            "apply gift card code",
            *_timed(
                lambda: _expect(
                    shopper.post("/shop/cart/gift-card-code/", {"code": card.code}), 302
                )
            ),
        )
        # A canceled order of its own, so the benchmark's ledger rows touch no real order.
        order = Order.objects.create(
            user=customer,
            email=customer.email,
            subtotal_cents=0,
            total_cents=0,
            currency="USD",
            gateway="none",
            status=Order.Status.CANCELED,
        )
        rows += _rows(
            "gift card redemption (service)",
            *_timed(lambda: gift_card_redeem(card=card, amount_cents=1, order=order)),
        )
    return rows
