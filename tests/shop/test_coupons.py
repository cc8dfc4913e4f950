"""Coupons: what they take off, and a reason for every refusal."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from shop.exceptions import CouponExpired
from shop.models import Cart, CartLine, Coupon, CouponRedemption, Order
from shop.selectors import cart_totals, coupon_discount_cents
from shop.services import coupon_take_for_order, coupon_validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def cart(client, course):
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    return Cart.objects.get()


def _anonymous():
    return AnonymousUser()


def _apply(client, code):
    return client.post(reverse("shop:coupon_apply"), {"code": code}, follow=True).content.decode()


def _paid_order_with(coupon, user=None):
    order = Order.objects.create(
        user=user,
        email="a@example.com",
        subtotal_cents=100,
        total_cents=100,
        currency="USD",
        status="paid",
        coupon=coupon,
    )
    coupon_take_for_order(order=order)


def test_a_percent_coupon_applies_case_insensitively_and_shows_the_discount(client, cart):
    Coupon.objects.create(code="WELCOME10", percent_off=10)
    page = _apply(client, " welcome10 ")
    assert "Coupon WELCOME10 applied." in page
    assert "−$14.90" in page
    assert "$134.10" in page


def test_a_fixed_coupon_never_takes_more_than_the_subtotal(client, cart):
    Coupon.objects.create(code="BIG", kind=Coupon.Kind.FIXED, amount_off_cents=100_000)
    _apply(client, "BIG")
    totals = cart_totals(cart=Cart.objects.get(), user=_anonymous())
    assert (totals.discount_cents, totals.total_cents) == (14900, 0)


def test_a_coupon_for_eligible_courses_discounts_only_those(client, cart, second_course):
    client.post(reverse("shop:cart_add"), {"course": second_course.pk})
    coupon = Coupon.objects.create(code="POSTURE", percent_off=50)
    coupon.eligible_courses.add(second_course)
    _apply(client, "POSTURE")
    totals = cart_totals(cart=Cart.objects.get(), user=_anonymous())
    assert (totals.subtotal_cents, totals.discount_cents) == (24800, 4950)


@pytest.mark.parametrize(
    ("coupon", "message"),
    [
        ({"is_active": False}, "Coupon SAVE is no longer active."),
        ({"starts_at": timezone.now() + timedelta(days=2)}, "Coupon SAVE is not valid until"),
        ({"ends_at": timezone.now() - timedelta(minutes=1)}, "Coupon SAVE has expired."),
        ({"minimum_subtotal_cents": 50000}, "Coupon SAVE needs a minimum order of $500.00."),
    ],
)
def test_a_refused_coupon_says_why_and_changes_nothing(client, cart, coupon, message):
    Coupon.objects.create(code="SAVE", percent_off=10, **coupon)
    page = _apply(client, "save")
    assert message in page
    assert Cart.objects.get().coupon is None


def test_an_unknown_code_is_refused_by_name(client, cart):
    assert "“NOPE” is not a valid coupon code." in _apply(client, "NOPE")
    assert Cart.objects.get().coupon is None


def test_a_coupon_for_other_courses_is_not_valid_for_this_cart(client, cart, second_course):
    coupon = Coupon.objects.create(code="POSTURE", percent_off=10)
    coupon.eligible_courses.add(second_course)
    assert "Coupon POSTURE is not valid for the items in your cart." in _apply(client, "POSTURE")


def test_a_coupon_at_its_total_limit_is_used_up(client, cart):
    coupon = Coupon.objects.create(code="ONCE", percent_off=10, max_uses=1)
    _paid_order_with(coupon)
    assert "Coupon ONCE has been used up." in _apply(client, "ONCE")


def test_a_coupon_at_its_per_customer_limit_is_refused_to_that_customer(client, user, course):
    client.force_login(user)
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    coupon = Coupon.objects.create(code="MINE", percent_off=10, max_uses_per_customer=1)
    _paid_order_with(coupon, user=user)
    assert "You have already used coupon MINE as many times as it allows." in _apply(client, "MINE")


def test_a_refused_code_keeps_the_coupon_already_applied(client, cart):
    Coupon.objects.create(code="WELCOME10", percent_off=10)
    _apply(client, "WELCOME10")
    _apply(client, "NOPE")
    assert Cart.objects.get().coupon.code == "WELCOME10"


def test_a_coupon_that_stops_applying_gives_no_discount_and_the_cart_says_why(client, cart):
    coupon = Coupon.objects.create(code="WELCOME10", percent_off=10)
    _apply(client, "WELCOME10")
    Coupon.objects.filter(pk=coupon.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    page = client.get(reverse("shop:cart")).content.decode()
    assert "Coupon WELCOME10 has expired." in page
    assert cart_totals(cart=Cart.objects.get(), user=_anonymous()).discount_cents == 0


def test_removing_the_coupon_restores_the_full_price(client, cart):
    Coupon.objects.create(code="WELCOME10", percent_off=10)
    _apply(client, "WELCOME10")
    client.post(reverse("shop:coupon_remove"))
    assert Cart.objects.get().coupon is None
    assert CartLine.objects.count() == 1


def test_too_many_failed_codes_are_rate_limited_even_for_a_valid_code(client, cart):
    Coupon.objects.create(code="WELCOME10", percent_off=10)
    for attempt in range(20):
        _apply(client, f"GUESS{attempt}")
    assert "Too many coupon codes tried" in _apply(client, "WELCOME10")
    assert Cart.objects.get().coupon is None


def test_the_discount_arithmetic_does_not_judge_whether_the_coupon_may_be_used(course):
    coupon = Coupon.objects.create(
        code="OLD", percent_off=10, ends_at=timezone.now() - timedelta(days=1)
    )
    assert coupon_discount_cents(coupon=coupon, courses=[course]) == 1490


def test_validating_a_refused_coupon_raises_the_customers_reason_and_changes_nothing(course):
    coupon = Coupon.objects.create(
        code="OLD", percent_off=10, ends_at=timezone.now() - timedelta(days=1)
    )
    with pytest.raises(CouponExpired, match="Coupon OLD has expired"):
        coupon_validate(coupon=coupon, courses=[course], user=_anonymous())
    assert not CouponRedemption.objects.exists()


def test_validating_a_usable_coupon_returns_its_discount(course):
    coupon = Coupon.objects.create(code="TEN", kind=Coupon.Kind.FIXED, amount_off_cents=1000)
    assert coupon_validate(coupon=coupon, courses=[course], user=_anonymous()) == 1000
