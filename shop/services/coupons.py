"""Coupons: validating a code for a cart, applying and removing it.

What a coupon takes off and why it may be refused are reads (`shop.selectors.coupons`);
validation is the step that refuses, with the sentence the customer sees.
"""

from datetime import datetime

from courses.models import CoursePage
from courses.selectors import Visitor
from shop.exceptions import CouponNotFound
from shop.models import Cart, Coupon
from shop.selectors import coupon_discount_cents, coupon_refusal


def coupon_validate(
    *, coupon: Coupon, courses: list[CoursePage], user: Visitor, now: datetime | None = None
) -> int:
    """The discount `coupon` gives on these courses now, or the CouponError saying why not.

    The discount never exceeds the subtotal of the courses it applies to. The per-customer
    limit is checked only for a known user (anonymous carts are checked again at checkout).
    Changes nothing.
    """
    refusal = coupon_refusal(coupon=coupon, courses=courses, user=user, now=now)
    if refusal is not None:
        raise refusal
    return coupon_discount_cents(coupon=coupon, courses=courses)


def cart_apply_coupon(*, cart: Cart, code: str, user: Visitor) -> Coupon:
    """Attach the coupon to the cart if it applies now; otherwise the CouponError says why.

    A refused code leaves the cart's current coupon as it was.
    """
    code = code.strip()
    coupon = Coupon.objects.filter(code__iexact=code).first()
    if coupon is None:
        raise CouponNotFound(code)
    courses = [line.course for line in cart.lines.select_related("course")]
    coupon_validate(coupon=coupon, courses=courses, user=user)
    cart.coupon = coupon
    cart.save(update_fields=["coupon", "updated_at"])
    return coupon


def cart_remove_coupon(*, cart: Cart) -> None:
    """Detach the cart's coupon, if any."""
    cart.coupon = None
    cart.save(update_fields=["coupon", "updated_at"])
