"""Memberships: a plan in the cart, the membership its paid order starts, renewals that are
paid or fail (dunning), cancellation — on the test gateway's demo clock or from provider events.

Every change is a conditional UPDATE or an insert guarded by a unique key, so repeats and
races are no-ops: one running membership per user and plan, one invoice row per provider
invoice, one failure e-mail and one "access ends soon" e-mail per grace period. Events may
arrive in any order: a membership's state moves only forward in provider time (`state_at`),
its period end never moves back, and a canceled membership stays canceled.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from courses.selectors import Visitor

# A module import: shop.tasks calls back into the services package.
from shop import tasks
from shop.exceptions import (
    MembershipAlreadyActive,
    MembershipNotChangeable,
    PlanNotAvailable,
)
from shop.middleware import minicart_cart_changed
from shop.models import (
    Cart,
    CartPlanLine,
    Membership,
    MembershipInvoice,
    MembershipPlan,
    Order,
    OrderLine,
    add_interval,
)
from shop.payments.base import InvoiceState, SubscriptionState
from shop.selectors import membership_running

logger = logging.getLogger("coachhouse.shop")

# "Access ends soon" goes this long before a failed renewal's grace period runs out.
ENDING_NOTICE_BEFORE = timedelta(days=2)


def plan_check_subscribable(*, plan: MembershipPlan, user: Visitor) -> None:
    """Raise PlanNotAvailable / MembershipAlreadyActive unless the user may subscribe now."""
    if not plan.is_active:
        raise PlanNotAvailable(plan.name)
    if membership_running(user=user, plan=plan) is not None:
        raise MembershipAlreadyActive(plan.name)


def cart_add_plan(*, cart: Cart, plan: MembershipPlan, user: Visitor) -> bool:
    """Put the plan in the cart, replacing another plan there (one membership per checkout).

    Returns False when it was already there. Raises PlanNotAvailable or
    MembershipAlreadyActive, changing nothing.
    """
    plan_check_subscribable(plan=plan, user=user)
    line, created = CartPlanLine.objects.get_or_create(cart=cart, defaults={"plan": plan})
    if not created and line.plan_id != plan.pk:
        CartPlanLine.objects.filter(pk=line.pk).update(plan=plan)
        minicart_cart_changed(cart_id=cart.pk)  # update() sends no signal
        return True
    return created


def cart_remove_plan(*, cart: Cart) -> None:
    """Take the membership out of the cart; removing none changes nothing."""
    CartPlanLine.objects.filter(cart=cart).delete()


def _first_period_end(*, plan_interval: str, trial_days: int, start: datetime) -> datetime:
    if trial_days:
        return start + timedelta(days=trial_days)
    return add_interval(start, plan_interval)


def membership_start(*, order: Order, line: OrderLine, now: datetime | None = None) -> Membership:
    """Start the membership a paid order's plan line bought, with the price it was sold at.

    Called inside `order_fulfil`'s transaction. On a provider that bills subscriptions the
    membership may already exist (its events came first): it is linked to the order and
    its provider-given state is kept. Otherwise it starts now (trialing or active) with its
    first invoice, the order's payment. Raises MembershipAlreadyActive (changing nothing)
    when the user already holds a running membership on the plan — the order is then
    refunded rather than fulfilled.
    """
    now = now or timezone.now()
    plan = line.plan
    existing = Membership.objects.filter(gateway_subscription=order.gateway_subscription)
    if order.gateway_subscription and existing.update(order=order, coupon_code=order.coupon_code):
        return existing.get()
    if membership_running(user=order.user, plan=plan) is not None:
        raise MembershipAlreadyActive(plan.name)
    trial_days = plan.trial_days if line.unit_price_cents == 0 and plan.trial_days else 0
    period_end = _first_period_end(plan_interval=plan.interval, trial_days=trial_days, start=now)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=order.user,
                plan=plan,
                order=order,
                status=Membership.Status.TRIALING if trial_days else Membership.Status.ACTIVE,
                interval=plan.interval,
                price_cents=line.plan_price_cents,
                renewal_discount_cents=line.plan_price_cents - line.recurring_cents,
                coupon_code=order.coupon_code,
                started_at=now,
                current_period_end=period_end,
                gateway=order.gateway,
                gateway_subscription=order.gateway_subscription,
            )
    except IntegrityError as exc:
        # The subscription's own event created its membership meanwhile (committed now, so
        # this statement sees it): that is the one this order bought, not a second one.
        if order.gateway_subscription and existing.update(
            order=order, coupon_code=order.coupon_code
        ):
            return existing.get()
        raise MembershipAlreadyActive(plan.name) from exc
    if not order.gateway_subscription:
        MembershipInvoice.objects.create(
            membership=membership,
            amount_cents=order.total_cents,
            period_start=now,
            period_end=period_end,
            status=MembershipInvoice.Status.PAID,
            paid_at=now,
            gateway_reference=f"order-{order.number}",
        )
    return membership


def _grace_end(*, failed_at: datetime) -> datetime:
    return failed_at + timedelta(days=settings.MEMBERSHIP_GRACE_DAYS)


@transaction.atomic
def membership_apply_invoice(*, membership: Membership, invoice: InvoiceState) -> str:
    """Record a membership charge and what it means: paid → active through the period it
    pays for; failed → past due, keeping access through the grace period, with one e-mail.

    The invoice row is keyed by the provider's reference: a repeated event updates it, a
    paid invoice never becomes failed again. A failure of a period that a later payment has
    already covered changes nothing; a canceled membership is only booked, never revived.
    Returns "paid", "failed" or "recorded".
    """
    row, _ = MembershipInvoice.objects.get_or_create(
        gateway_reference=invoice.reference,
        defaults={
            "membership": membership,
            "amount_cents": invoice.amount_cents,
            "period_start": invoice.period_start,
            "period_end": invoice.period_end,
            "receipt_url": invoice.receipt_url,
            "payment_reference": invoice.payment_reference,
        },
    )
    if invoice.payment_reference and not row.payment_reference:
        MembershipInvoice.objects.filter(pk=row.pk).update(
            payment_reference=invoice.payment_reference
        )
    running = Q(status__in=[*Membership.RUNNING, Membership.Status.INCOMPLETE])
    if invoice.status == "paid":
        MembershipInvoice.objects.filter(pk=row.pk).exclude(status="paid").update(
            status=MembershipInvoice.Status.PAID,
            paid_at=invoice.paid_at or timezone.now(),
            amount_cents=invoice.amount_cents,
            receipt_url=invoice.receipt_url or row.receipt_url,
        )
        moved = (
            Membership.objects.filter(pk=membership.pk)
            .filter(running, current_period_end__lte=invoice.period_end)
            .exclude(status=Membership.Status.TRIALING, current_period_end=invoice.period_end)
            .update(
                status=Membership.Status.ACTIVE,
                current_period_end=invoice.period_end,
                past_due_since=None,
                grace_ends_at=None,
                updated_at=timezone.now(),
            )
        )
        if not moved and not membership.invoices.filter(status="paid").exclude(pk=row.pk).exists():
            # The first paid invoice is the provider's word on the first period, which the
            # fulfilment's own estimate (its time plus an interval, seconds or minutes after
            # the provider started the subscription) only approximated: it wins, earlier too.
            Membership.objects.filter(pk=membership.pk).filter(
                running, current_period_end__gt=invoice.period_end
            ).update(current_period_end=invoice.period_end, updated_at=timezone.now())
        return "paid" if moved else "recorded"
    if invoice.status != "failed":
        return "recorded"
    MembershipInvoice.objects.filter(pk=row.pk, status=MembershipInvoice.Status.OPEN).update(
        status=MembershipInvoice.Status.FAILED
    )
    failed_at = timezone.now()
    went_past_due = (
        Membership.objects.filter(pk=membership.pk)
        .filter(status__in=[Membership.Status.ACTIVE, Membership.Status.TRIALING])
        .filter(current_period_end__lt=invoice.period_end)
        .update(
            status=Membership.Status.PAST_DUE,
            past_due_since=failed_at,
            grace_ends_at=_grace_end(failed_at=failed_at),
            updated_at=failed_at,
        )
    )
    # The subscription's own past-due event may have come first (it starts the grace but
    # sends nothing): the failure of the period still unpaid is told once per grace period.
    past_due_unpaid = went_past_due or (
        Membership.objects.filter(
            pk=membership.pk, status=Membership.Status.PAST_DUE, grace_ends_at__isnull=False
        ).exists()
        and not membership.invoices.filter(
            status=MembershipInvoice.Status.PAID, period_end__gte=invoice.period_end
        ).exists()
    )
    if past_due_unpaid:
        grace_end = Membership.objects.values_list("grace_ends_at", flat=True).get(pk=membership.pk)
        told = (
            Membership.objects.filter(pk=membership.pk)
            .exclude(failure_notice_for=grace_end)
            .update(failure_notice_for=grace_end)
        )
        if told:
            transaction.on_commit(
                lambda: tasks.send_membership_email.enqueue(
                    membership_id=membership.pk, kind="payment_failed"
                )
            )
            tasks.schedule(
                tasks.send_membership_ending_notices,
                at=grace_end - ENDING_NOTICE_BEFORE,
            )
        if went_past_due or told:
            return "failed"
    return "recorded"


@transaction.atomic
def membership_apply_subscription(
    *, membership: Membership, subscription: SubscriptionState, at: datetime
) -> bool:
    """Take the provider's word for the membership's state as of `at` (the event's time).

    An event older than the last one applied changes nothing; the period end never moves
    back; a canceled membership stays canceled. Past due starts the grace period (once).
    Returns True when the row changed.
    """
    fresh = Membership.objects.filter(pk=membership.pk).filter(
        Q(state_at__isnull=True) | Q(state_at__lte=at)
    )
    fresh = fresh.exclude(status=Membership.Status.CANCELED)
    status = subscription.status
    if status == Membership.Status.INCOMPLETE:
        # Stripe never moves a subscription back to incomplete: this is its first snapshot
        # (`customer.subscription.created`) arriving after, or at the same moment as, the
        # first payment that started the membership; it keeps its running state.
        status = Case(
            When(status__in=Membership.RUNNING, then=F("status")),
            default=Value(Membership.Status.INCOMPLETE),
        )
    # Past due means the current period's invoice is unpaid: when we hold it paid, this is a
    # snapshot from before the payment (a new card's subscription update and the retry it
    # paid share a second, and their events come in any order); its status no longer holds.
    paid_since = (
        status == Membership.Status.PAST_DUE
        and subscription.current_period_end is not None
        and membership.invoices.filter(
            status=MembershipInvoice.Status.PAID,
            period_end__gte=subscription.current_period_end,
        ).exists()
    )
    if paid_since:
        status = F("status")
    changes = {
        "status": status,
        "cancel_at_period_end": subscription.cancel_at_period_end,
        "state_at": at,
        "updated_at": timezone.now(),
    }
    if subscription.customer:
        changes["gateway_customer"] = subscription.customer
    if subscription.status == Membership.Status.CANCELED:
        changes["canceled_at"] = subscription.canceled_at or at
    updated = fresh.update(**changes)
    if not updated:
        return False
    repriced = _apply_subscription_price(membership=membership, subscription=subscription)
    if not repriced and subscription.current_period_end is not None:
        Membership.objects.filter(
            pk=membership.pk, current_period_end__lt=subscription.current_period_end
        ).update(current_period_end=subscription.current_period_end)
    if subscription.status == Membership.Status.PAST_DUE and not paid_since:
        Membership.objects.filter(pk=membership.pk, grace_ends_at__isnull=True).update(
            past_due_since=at, grace_ends_at=_grace_end(failed_at=at)
        )
    elif subscription.status != Membership.Status.INCOMPLETE:
        Membership.objects.filter(pk=membership.pk).update(past_due_since=None, grace_ends_at=None)
    return True


def _apply_subscription_price(*, membership: Membership, subscription: SubscriptionState) -> bool:
    """A plan switched at the provider (from our page or its dashboard): the membership takes
    the subscription's price, interval and period end (which a switch may move earlier), and
    the plan whose product it bills. True when the price changed; a repeat changes nothing."""
    if subscription.price_cents is None or not subscription.interval:
        return False
    membership.refresh_from_db()
    if (subscription.price_cents, subscription.interval) == (
        membership.renewal_cents,
        membership.interval,
    ):
        return False
    changes = {
        "price_cents": subscription.price_cents,
        "renewal_discount_cents": 0,
        "interval": subscription.interval,
    }
    if subscription.current_period_end is not None:
        changes["current_period_end"] = subscription.current_period_end
    plan = MembershipPlan.objects.filter(gateway_product=subscription.product).first()
    if subscription.product and plan is not None and plan.pk != membership.plan_id:
        changes["plan"] = plan
    try:
        with transaction.atomic():
            Membership.objects.filter(pk=membership.pk).update(**changes)
    except IntegrityError:
        # The member already holds the other plan: keep the plan, take the price.
        changes.pop("plan")
        Membership.objects.filter(pk=membership.pk).update(**changes)
    return True


def membership_for_subscription(
    *, subscription: SubscriptionState, gateway: str
) -> Membership | None:
    """The membership of a provider subscription, created from its checkout order when the
    subscription's events come before the order's payment; None for a stranger's."""
    membership = Membership.objects.filter(gateway_subscription=subscription.reference).first()
    if membership is not None:
        return membership
    order = Order.objects.filter(
        Q(gateway_subscription=subscription.reference) | Q(number=subscription.order_number or "-")
    ).first()
    line = order.lines.filter(plan__isnull=False).select_related("plan").first() if order else None
    if line is None or order.user is None:
        return None
    try:
        with transaction.atomic():
            return Membership.objects.create(
                user=order.user,
                plan=line.plan,
                order=order,
                status=Membership.Status.INCOMPLETE,
                interval=line.plan.interval,
                price_cents=line.plan_price_cents,
                renewal_discount_cents=line.plan_price_cents - line.recurring_cents,
                coupon_code=order.coupon_code,
                current_period_end=subscription.current_period_end or timezone.now(),
                gateway=gateway,
                gateway_customer=subscription.customer,
                gateway_subscription=subscription.reference,
            )
    except IntegrityError:
        # Created meanwhile by the order's payment (or another event), or the user already
        # holds a running membership on the plan: the order's fulfilment settles that one.
        return Membership.objects.filter(gateway_subscription=subscription.reference).first()


@transaction.atomic
def membership_set_cancel_at_period_end(
    *, membership: Membership, cancel: bool, gateway=None
) -> None:
    """Stop (or resume) renewing: access runs to the end of the paid period either way.

    Raises MembershipNotChangeable for a membership that is not running. On a provider that
    bills subscriptions the provider is told first (a GatewayError changes nothing here).
    """
    if membership.status not in (Membership.Status.ACTIVE, Membership.Status.TRIALING):
        raise MembershipNotChangeable(
            "Only an active membership can be canceled or resumed; this one is "
            f"{membership.get_status_display().lower()}."
        )
    if gateway is not None and gateway.subscribes_at_provider and membership.gateway_subscription:
        gateway.cancel_subscription(reference=membership.gateway_subscription, at_period_end=cancel)
    Membership.objects.filter(pk=membership.pk).update(
        cancel_at_period_end=cancel, updated_at=timezone.now()
    )
    membership.cancel_at_period_end = cancel


@transaction.atomic
def membership_cancel(*, membership: Membership, at: datetime | None = None) -> bool:
    """End the membership now (access ends with it); a repeat is a no-op. True if it ended."""
    at = at or timezone.now()
    return bool(
        Membership.objects.filter(pk=membership.pk)
        .exclude(status=Membership.Status.CANCELED)
        .update(status=Membership.Status.CANCELED, canceled_at=at, updated_at=at)
    )


def membership_demo_renew(*, membership: Membership, approve: bool) -> str:
    """The test gateway's clock: charge the membership's next period now, paid or declined.

    Only for memberships billed locally (the demo); a provider bills its own. A renewal of a
    membership set to cancel at period end, or canceled, ends it instead. Returns what
    happened: "paid", "failed", "canceled" or "recorded".
    """
    if membership.gateway_subscription:
        raise MembershipNotChangeable("This membership is billed by the payment provider.")
    membership.refresh_from_db()
    if membership.status == Membership.Status.CANCELED:
        return "canceled"
    if membership.cancel_at_period_end:
        membership_cancel(membership=membership, at=membership.current_period_end)
        return "canceled"
    start = membership.current_period_end
    end = add_interval(start, membership.interval)
    attempt = membership.invoices.filter(period_end=end).count() + 1
    # Credit left by a plan switched down pays (part of) the renewal first.
    credit = min(membership.credit_cents, membership.renewal_cents)
    invoice = InvoiceState(
        reference=f"test-renewal-{membership.pk}-{end:%Y%m%d%H%M%S}-{attempt}",
        subscription="",
        customer="",
        status="paid" if approve else "failed",
        amount_cents=membership.renewal_cents - credit,
        period_start=start,
        period_end=end,
        paid_at=timezone.now() if approve else None,
        failure_message="" if approve else "the test card was declined",
    )
    with transaction.atomic():
        outcome = membership_apply_invoice(membership=membership, invoice=invoice)
        if outcome == "paid" and credit:
            Membership.objects.filter(pk=membership.pk, credit_cents__gte=credit).update(
                credit_cents=F("credit_cents") - credit
            )
    return outcome


def memberships_send_ending_notices(*, now: datetime | None = None) -> int:
    """E-mail the members whose grace period ends within ENDING_NOTICE_BEFORE, once per
    grace period (a conditional UPDATE claims each). Returns how many were queued."""
    now = now or timezone.now()
    due = Membership.objects.filter(
        status=Membership.Status.PAST_DUE,
        grace_ends_at__gt=now,
        grace_ends_at__lte=now + ENDING_NOTICE_BEFORE,
    ).exclude(ending_notice_for=F("grace_ends_at"))
    sent = 0
    for membership_id, grace_end in due.values_list("pk", "grace_ends_at"):
        claimed = (
            Membership.objects.filter(pk=membership_id, grace_ends_at=grace_end)
            .exclude(ending_notice_for=grace_end)
            .update(ending_notice_for=grace_end)
        )
        if claimed:
            tasks.send_membership_email.enqueue(membership_id=membership_id, kind="access_ending")
            sent += 1
    return sent


def membership_owner(*, membership_id: int, user: AbstractBaseUser) -> Membership | None:
    """The user's own membership by id (None for anyone else's)."""
    return Membership.objects.filter(pk=membership_id, user=user).select_related("plan").first()


def memberships_end_for_refunded_order(*, order: Order) -> int:
    """A full refund of a membership's first payment ends the membership now (access with
    it) and marks that invoice refunded; a repeat changes nothing. Returns how many ended."""
    now = timezone.now()
    paid_by_order = Q(gateway_reference=f"order-{order.number}")
    if order.gateway_reference:
        paid_by_order |= Q(payment_reference=order.gateway_reference)
    MembershipInvoice.objects.filter(paid_by_order, refunded_at__isnull=True).update(
        refunded_cents=F("amount_cents"), refunded_at=now
    )
    return sum(
        membership_cancel(membership=membership, at=now)
        for membership in Membership.objects.filter(order=order)
    )
