"""Coupons: the discount a coupon gives on some courses, and why it cannot be used now.

Neither raises: `shop.services.coupons.coupon_validate` turns a refusal into the
CouponError a customer sees.
"""

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from courses.models import CoursePage
from courses.selectors import Visitor
from shop.exceptions import (
    CouponAlreadyUsed,
    CouponError,
    CouponExpired,
    CouponInactive,
    CouponMinimumNotMet,
    CouponNotApplicable,
    CouponNotYetValid,
    CouponUsedUp,
)
from shop.models import Cart, Coupon, CouponRedemption, Order
from shop.money import format_money, percent_of


def _eligible_base_cents(
    *, coupon: Coupon, courses: list[CoursePage], plan_cents: int = 0
) -> tuple[int, bool]:
    """The subtotal of the courses the coupon applies to (all of them when it names none),
    and whether it names any. A membership's first payment (`plan_cents`) counts only for a
    coupon that names no courses."""
    eligible_ids = set(coupon.eligible_courses.values_list("pk", flat=True))
    base = sum(
        course.price_cents for course in courses if not eligible_ids or course.pk in eligible_ids
    )
    return base + (0 if eligible_ids else plan_cents), bool(eligible_ids)


def coupon_discount_cents(*, coupon: Coupon, courses: list[CoursePage], plan_cents: int = 0) -> int:
    """The discount `coupon` gives on these courses (and membership payment of `plan_cents`),
    whether or not it may be used now.

    Never more than the subtotal of what it applies to; 0 when it applies to nothing.
    """
    base, _ = _eligible_base_cents(coupon=coupon, courses=courses, plan_cents=plan_cents)
    if coupon.kind == Coupon.Kind.PERCENT:
        return percent_of(base, coupon.percent_off or 0)
    return min(coupon.amount_off_cents or 0, base)


def coupon_refusal(
    *,
    coupon: Coupon,
    courses: list[CoursePage],
    user: Visitor,
    now: datetime | None = None,
    cart: Cart | None = None,
    plan_cents: int = 0,
) -> CouponError | None:
    """Why `coupon` cannot be used on these courses now (the first reason), or None.

    Uses count from the moment an order is placed; those held by `cart`'s own pending orders
    do not count against it (placing the cart again reuses or supersedes them). The
    per-customer limit is checked only for a known user (anonymous carts are checked again
    at checkout). Only a read: `coupon_take_for_order` enforces the limits.
    """
    now = now or timezone.now()
    code = coupon.code
    if not coupon.is_active:
        return CouponInactive(code)
    if coupon.starts_at and now < coupon.starts_at:
        return CouponNotYetValid(
            code, date_format(timezone.localtime(coupon.starts_at), "DATETIME_FORMAT")
        )
    if coupon.ends_at and now >= coupon.ends_at:
        return CouponExpired(code)
    subtotal = sum(course.price_cents for course in courses) + plan_cents
    if subtotal < coupon.minimum_subtotal_cents:
        return CouponMinimumNotMet(
            code, format_money(coupon.minimum_subtotal_cents, settings.SITE_CURRENCY)
        )
    base, names_courses = _eligible_base_cents(
        coupon=coupon, courses=courses, plan_cents=plan_cents
    )
    if names_courses and not base:
        return CouponNotApplicable(code)
    held = CouponRedemption.objects.filter(coupon=coupon, released_at__isnull=True)
    if cart is not None and cart.pk is not None:
        held = held.exclude(order__cart=cart, order__status=Order.Status.PENDING)
    if coupon.max_uses is not None:
        uses = Coupon.objects.filter(pk=coupon.pk).values_list("uses_count", flat=True).get()
        ours = 0 if cart is None else coupon_uses_held_by_cart(coupon=coupon, cart=cart)
        if uses - ours >= coupon.max_uses:
            return CouponUsedUp(code)
    if (
        coupon.max_uses_per_customer is not None
        and user.is_authenticated
        and held.filter(user=user).count() >= coupon.max_uses_per_customer
    ):
        return CouponAlreadyUsed(code)
    return None


def coupon_uses_held_by_cart(*, coupon: Coupon, cart: Cart) -> int:
    """How many uses of the coupon the cart's pending orders hold (0 or 1 in practice)."""
    if cart.pk is None:
        return 0
    return CouponRedemption.objects.filter(
        coupon=coupon,
        released_at__isnull=True,
        order__cart=cart,
        order__status=Order.Status.PENDING,
    ).count()
