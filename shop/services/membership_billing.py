"""A member's own billing: switching plans (prorated), a shop manager's refund of the last
invoice, and a new card (which retries a failed renewal).

Each change is decided by a conditional UPDATE of the membership (or its invoice), so a
double submit or a race changes it once; the provider is asked first, with an idempotency
key per change, so a repeat there is one change too, and a refusal there changes nothing
here. Provider events describing the same change agree with it (`membership_apply_*`).
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shop.exceptions import (
    MembershipAlreadyActive,
    MembershipNotChangeable,
    PlanNotAvailable,
)
from shop.models import Membership, MembershipInvoice, MembershipPlan, add_interval
from shop.payments.base import PaymentGateway, PlanChangeRequest
from shop.selectors import membership_running

logger = logging.getLogger("coachhouse.shop")


def _micros(delta) -> int:
    return delta.days * 86_400_000_000 + delta.seconds * 1_000_000 + delta.microseconds


def _share(cents: int, part: int, whole: int) -> int:
    """`cents * part / whole`, rounded half up, in integers (part and whole in microseconds)."""
    if whole <= 0:
        return 0
    return (2 * cents * part + whole) // (2 * whole)


@dataclass(frozen=True)
class Proration:
    """A plan switch priced now: the unused part of the current period credited, the new
    plan's (part of a) period charged. `amount_cents` is charged now; what the credit leaves
    over becomes `credit_cents` for later renewals. All integer cents, never negative."""

    unused_cents: int
    new_cents: int
    amount_cents: int
    credit_cents: int
    period_start: datetime
    period_end: datetime


def membership_proration(
    *, membership: Membership, plan: MembershipPlan, now: datetime
) -> Proration:
    """Price a switch of `membership` to `plan` at `now`, as Stripe's `always_invoice` does.

    Credit: the share of the current period not yet used, of what that period was paid (its
    invoice, less refunds; the renewal price if none). A switch to another interval starts a
    new period now at the full new price; one within the interval keeps the period end and
    charges the new price's share of what is left of it. Credit already held is used first.
    """
    end = membership.current_period_end
    paid = membership.invoices.filter(status=MembershipInvoice.Status.PAID, period_end=end).first()
    if paid is not None:
        start, paid_cents = paid.period_start, paid.amount_cents - paid.refunded_cents
    else:
        start, paid_cents = add_interval(end, membership.interval, -1), membership.renewal_cents
    whole = _micros(end - start)
    left = min(max(_micros(end - now), 0), whole)
    unused = _share(paid_cents, left, whole)
    if plan.interval != membership.interval:
        new_cents, period_end = plan.price_cents, add_interval(now, plan.interval)
    else:
        new_cents, period_end = _share(plan.price_cents, left, whole), end
    due = new_cents - unused - membership.credit_cents
    return Proration(
        unused_cents=unused,
        new_cents=new_cents,
        amount_cents=max(due, 0),
        credit_cents=max(-due, 0),
        period_start=now,
        period_end=period_end,
    )


def membership_check_switchable(*, membership: Membership, plan: MembershipPlan) -> None:
    """Raise a MembershipError (the member's sentence) unless the membership may move to
    `plan` now: active (not trialing, past due or canceled), renewing, another plan on sale
    that the member does not hold already."""
    if membership.plan_id == plan.pk:
        raise MembershipNotChangeable(f"You are already on the “{plan.name}” plan.")
    if membership.status != Membership.Status.ACTIVE:
        reason = {
            Membership.Status.TRIALING: "You can switch plans once your free trial has ended.",
            Membership.Status.PAST_DUE: (
                "Your last renewal failed: update your card so it is paid, then switch plans."
            ),
        }.get(membership.status, "Only an active membership can switch plans.")
        raise MembershipNotChangeable(reason)
    if membership.cancel_at_period_end:
        raise MembershipNotChangeable(
            "Your membership is set to end at the close of the period: keep it first, then "
            "switch plans."
        )
    if not plan.is_active:
        raise PlanNotAvailable(plan.name)
    if membership_running(user=membership.user, plan=plan) is not None:
        raise MembershipAlreadyActive(plan.name)


def membership_switch_plan(
    *,
    membership: Membership,
    plan: MembershipPlan,
    gateway: PaymentGateway,
    now: datetime | None = None,
) -> MembershipInvoice | None:
    """Move an active membership to another plan now, prorated; returns the proration invoice
    (None when a concurrent request made the same switch first).

    The membership takes the new plan's current price and interval (a "forever" coupon was
    for the plan it was bought with and ends here); the invoice is listed with the others.
    A membership billed by the provider is changed there first (`change_subscription_plan`,
    one change per membership, from-plan, to-plan and period, however often repeated), a
    demo one is priced by `membership_proration` and charged on the test gateway (no money
    moves). Raises a MembershipError (changing nothing) when `membership_check_switchable`
    refuses, GatewayError when the provider refuses or fails (nothing changes here either).
    """
    now = now or timezone.now()
    membership.refresh_from_db()
    old_plan = membership.plan
    membership_check_switchable(membership=membership, plan=plan)
    description = f"Plan change: {old_plan.name} → {plan.name}"
    if membership.gateway_subscription:
        if not gateway.subscribes_at_provider:
            raise MembershipNotChangeable(
                "This membership is billed by the payment provider, which this site cannot "
                "reach now. Nothing changed."
            )
        change = gateway.change_subscription_plan(
            PlanChangeRequest(
                subscription=membership.gateway_subscription,
                plan_name=plan.name,
                plan_product=plan.gateway_product,
                interval=plan.interval,
                price_cents=plan.price_cents,
                currency=settings.SITE_CURRENCY,
                idempotency_key=(
                    f"membership-{membership.pk}-switch-{old_plan.pk}-{plan.pk}-"
                    f"{membership.current_period_end:%Y%m%d%H%M%S}"
                ),
            )
        )
        if change.product and not plan.gateway_product:
            MembershipPlan.objects.filter(pk=plan.pk, gateway_product="").update(
                gateway_product=change.product
            )
        invoice = change.invoice
        period_end = change.subscription.current_period_end or membership.current_period_end
        amount, credit = (invoice.amount_cents if invoice else 0), 0
        reference = invoice.reference if invoice else ""
        payment_reference = invoice.payment_reference if invoice else ""
        receipt_url = invoice.receipt_url if invoice else ""
        paid = invoice is None or invoice.status == "paid"
    else:
        proration = membership_proration(membership=membership, plan=plan, now=now)
        period_end, amount = proration.period_end, proration.amount_cents
        credit = proration.credit_cents
        reference = f"test-switch-{membership.pk}-{now:%Y%m%d%H%M%S%f}"
        payment_reference, receipt_url, paid = "", "", True
    with transaction.atomic():
        switched = Membership.objects.filter(
            pk=membership.pk, plan=old_plan, status=Membership.Status.ACTIVE
        ).update(
            plan=plan,
            interval=plan.interval,
            price_cents=plan.price_cents,
            renewal_discount_cents=0,
            current_period_end=period_end,
            credit_cents=credit,
            # The provider's own event for this change is about this moment: older ones
            # (the subscription as it was) no longer apply.
            state_at=now.replace(microsecond=0),
            updated_at=now,
        )
        if not switched:
            return None
        if not reference:
            membership.refresh_from_db()
            return None
        row, _ = MembershipInvoice.objects.get_or_create(
            gateway_reference=reference,
            defaults={
                "membership": membership,
                "amount_cents": amount,
                "period_start": now,
                "period_end": period_end,
                "status": MembershipInvoice.Status.PAID if paid else MembershipInvoice.Status.OPEN,
                "paid_at": now if paid else None,
                "payment_reference": payment_reference,
                "receipt_url": receipt_url,
                "description": description,
            },
        )
        MembershipInvoice.objects.filter(pk=row.pk).update(
            description=description, payment_reference=payment_reference or row.payment_reference
        )
    logger.info("Membership %s switched from %s to %s", membership.pk, old_plan.pk, plan.pk)
    membership.refresh_from_db()
    row.refresh_from_db()
    return row
