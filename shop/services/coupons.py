"""Coupons: validating a code for a cart, applying and removing it, and the uses orders take.

What a coupon takes off and why it may be refused are reads (`shop.selectors.coupons`);
validation is the step that refuses, with the sentence the customer sees.

A use counts from the moment its order is placed: `coupon_take_for_order` takes it (a
`CouponRedemption` that holds it plus one on `Coupon.uses_count`), `coupon_release_for_order`
gives it back when the order fails, is canceled, superseded or abandoned. Both limits are
enforced by the database, not by a read before the write: the total by a conditional UPDATE
`uses_count < max_uses`, the per-customer one by a unique slot among the customer's held uses.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from courses.models import CoursePage
from courses.selectors import Visitor
from shop.exceptions import CouponAlreadyUsed, CouponNotFound, CouponUsedUp
from shop.models import Cart, CartPlanLine, Coupon, CouponRedemption, Order
from shop.selectors import coupon_discount_cents, coupon_refusal, plan_first_payment_cents


def coupon_validate(
    *,
    coupon: Coupon,
    courses: list[CoursePage],
    user: Visitor,
    now: datetime | None = None,
    cart: Cart | None = None,
    plan_cents: int = 0,
) -> int:
    """The discount `coupon` gives on these courses now, or the CouponError saying why not.

    The discount never exceeds the subtotal of the courses it applies to. Uses held by
    `cart`'s own pending orders do not count against it. The per-customer limit is checked
    only for a known user (anonymous carts are checked again at checkout). Changes nothing.
    """
    refusal = coupon_refusal(
        coupon=coupon, courses=courses, user=user, now=now, cart=cart, plan_cents=plan_cents
    )
    if refusal is not None:
        raise refusal
    return coupon_discount_cents(coupon=coupon, courses=courses, plan_cents=plan_cents)


def cart_apply_coupon(*, cart: Cart, code: str, user: Visitor) -> Coupon:
    """Attach the coupon to the cart if it applies now; otherwise the CouponError says why.

    A refused code leaves the cart's current coupon as it was.
    """
    code = code.strip()
    coupon = Coupon.objects.filter(code__iexact=code).first()
    if coupon is None:
        raise CouponNotFound(code)
    courses = [line.course for line in cart.lines.select_related("course")]
    plan_line = CartPlanLine.objects.filter(cart=cart).select_related("plan").first()
    plan_cents = plan_first_payment_cents(plan=plan_line.plan) if plan_line else 0
    coupon_validate(coupon=coupon, courses=courses, user=user, cart=cart, plan_cents=plan_cents)
    cart.coupon = coupon
    cart.save(update_fields=["coupon", "updated_at"])
    return coupon


def cart_remove_coupon(*, cart: Cart) -> None:
    """Detach the cart's coupon, if any."""
    cart.coupon = None
    cart.save(update_fields=["coupon", "updated_at"])


def _take_total_use(*, coupon_id: int) -> bool:
    """One more use of the coupon, if its total limit leaves one: a conditional UPDATE."""
    return bool(
        Coupon.objects.filter(pk=coupon_id)
        .filter(Q(max_uses__isnull=True) | Q(uses_count__lt=F("max_uses")))
        .update(uses_count=F("uses_count") + 1)
    )


def _take_customer_slot(*, redemption: CouponRedemption, limit: int | None) -> bool:
    """Hold the redemption in a free slot of its customer's uses; False when all are taken.

    The unique constraint on held (coupon, user, slot) decides between concurrent takers.
    """
    # No slot when nothing limits it: NULLs never clash in a unique constraint.
    slots = [None] if redemption.user_id is None or limit is None else range(1, limit + 1)
    for slot in slots:
        try:
            with transaction.atomic():
                held = CouponRedemption.objects.filter(
                    pk=redemption.pk, released_at__isnull=False
                ).update(customer_slot=slot, released_at=None)
                return bool(held)
        except IntegrityError:
            continue
    return False


def coupon_take_for_order(*, order: Order) -> None:
    """Take (or take again) the use of its coupon for the order; a no-op when it holds one.

    Raises CouponUsedUp when the coupon's last use is taken, CouponAlreadyUsed when the
    customer has used it as often as allowed; nothing is taken then (the caller's
    transaction decides the rest).
    """
    if order.coupon_id is None:
        return
    with transaction.atomic():
        coupon = Coupon.objects.get(pk=order.coupon_id)
        redemption, _ = CouponRedemption.objects.get_or_create(
            order=order,
            defaults={"coupon": coupon, "user": order.user, "released_at": timezone.now()},
        )
        if redemption.released_at is None:
            return
        if not _take_total_use(coupon_id=coupon.pk):
            raise CouponUsedUp(coupon.code)
        if not _take_customer_slot(redemption=redemption, limit=coupon.max_uses_per_customer):
            raise CouponAlreadyUsed(coupon.code)


def coupon_release_for_order(*, order: Order) -> bool:
    """Give back the use the order holds, if it holds one; True when one was given back."""
    with transaction.atomic():
        released = CouponRedemption.objects.filter(order=order, released_at__isnull=True).update(
            released_at=timezone.now()
        )
        if released:
            Coupon.objects.filter(pk=order.coupon_id, uses_count__gt=0).update(
                uses_count=F("uses_count") - 1
            )
    return bool(released)
