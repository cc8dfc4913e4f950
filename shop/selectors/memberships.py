"""Reads about memberships: the plans on sale, a member's memberships, what a payment is."""

from datetime import datetime

from django.db.models import QuerySet

from courses.selectors import Visitor
from shop.models import Coupon, Membership, MembershipPlan
from shop.money import percent_of


def plans_on_sale() -> QuerySet[MembershipPlan]:
    """The plans a visitor may subscribe to, in the editors' order."""
    return MembershipPlan.objects.filter(is_active=True).prefetch_related("courses")


def plan_first_payment_cents(*, plan: MembershipPlan) -> int:
    """What subscribing charges today: nothing during a free trial, else one period's price."""
    return 0 if plan.trial_days else plan.price_cents


def plan_discount_cents(*, coupon: Coupon | None, price_cents: int) -> int:
    """A coupon's discount on one membership payment of `price_cents` (never above it)."""
    if coupon is None or coupon.eligible_courses.exists():
        return 0
    if coupon.kind == Coupon.Kind.PERCENT:
        return percent_of(price_cents, coupon.percent_off or 0)
    return min(coupon.amount_off_cents or 0, price_cents)


def membership_running(*, user: Visitor, plan: MembershipPlan) -> Membership | None:
    """The user's trialing, active or past-due membership on `plan`, if any."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, plan=plan, status__in=Membership.RUNNING).first()


def memberships_for(*, user: Visitor) -> list[Membership]:
    """The user's memberships, newest first, with their plans and invoices."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user)
        .exclude(status=Membership.Status.INCOMPLETE)
        .select_related("plan")
        .prefetch_related("invoices")
    )


def user_is_member(*, user: Visitor, now: datetime | None = None) -> bool:
    """Whether any of the user's memberships gives access now (member-only pages)."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user).giving_access(now=now).exists()
