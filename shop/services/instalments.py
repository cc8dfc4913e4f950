"""Payment plans: a course bought in N monthly instalments on the subscription machinery.

The order pays the first instalment and grants the enrollment (access from the first
payment). Each later instalment is an invoice of the plan's subscription — at the provider
(Stripe Billing: a monthly Subscription opened like a membership's, `default_incomplete`)
or on the test gateway's demo clock. Every paid invoice counts once, by its reference, in
whatever order events arrive (the first invoice is the order's payment, so it is keyed by
the order whichever channel reports it). After the N-th the plan is complete: the provider
is told to stop at the period's end, so the subscription ends by itself, and access stays
for good. A failed instalment makes the plan past due for the membership grace period
(settings.MEMBERSHIP_GRACE_DAYS) with the dunning e-mails; when the grace runs out, the
subscription is canceled unpaid or the order is refunded, the plan ends and the enrollment
is revoked. A paid invoice that still arrives for an ended plan is refunded.

Every change is a conditional UPDATE or an insert guarded by a unique key, so repeats and
races are no-ops on SQLite and PostgreSQL alike.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from courses.models import CoursePage
from courses.selectors import Visitor
from courses.services import enrollment_revoke_for_order

# A module import: shop.tasks calls back into the services package.
from shop import tasks
from shop.exceptions import GatewayError, InstalmentsNotChangeable, InstalmentsNotOffered
from shop.middleware import minicart_cart_changed
from shop.models import (
    Cart,
    CartLine,
    InstalmentPayment,
    InstalmentPlan,
    Membership,
    Order,
    OrderLine,
    add_interval,
)
from shop.money import format_money
from shop.payments import get_gateway
from shop.payments.base import (
    InvoiceState,
    PaymentGateway,
    PaymentState,
    SubscriptionRequest,
    SubscriptionState,
)
from shop.services.carts import cart_add_course

logger = logging.getLogger("coachhouse.shop")

# "Access ends soon" goes this long before a failed instalment's grace period runs out.
ENDING_NOTICE_BEFORE = timedelta(days=2)
OPEN_STATUSES = [
    InstalmentPlan.Status.INCOMPLETE,
    InstalmentPlan.Status.ACTIVE,
    InstalmentPlan.Status.PAST_DUE,
]


# Cart and order ---------------------------------------------------------------------


def instalments_title(*, course: CoursePage, count: int, cents: int) -> str:
    """An order line's title: the course and its plan ("… in 3 monthly instalments of $55.00")."""
    amount = format_money(cents, settings.SITE_CURRENCY)
    return f"{course.title} in {count} monthly instalments of {amount}"


def cart_choose_instalments(
    *, cart: Cart, course: CoursePage, user: Visitor, in_instalments: bool = True
) -> None:
    """Put the course in the cart to be paid in its monthly instalments (or, with
    `in_instalments=False`, in full again). Raises what `cart_add_course` raises, or
    InstalmentsNotOffered for a course without a payment plan; nothing changes then."""
    if in_instalments and not course.offers_instalments:
        raise InstalmentsNotOffered(course.title)
    cart_add_course(cart=cart, course=course, user=user)
    if CartLine.objects.filter(cart=cart, course=course).update(in_instalments=in_instalments):
        minicart_cart_changed(cart_id=cart.pk)  # update() sends no signal


def instalment_line_fields(*, course: CoursePage) -> dict:
    """The order line of a course bought in instalments: today's charge is the first, and
    the number and amount are the course's now (a later change applies to new plans only)."""
    count, cents = course.instalment_count, course.instalment_cents
    return {
        "course": course,
        "title": instalments_title(course=course, count=count, cents=cents),
        "unit_price_cents": cents,
        "instalment_count": count,
        "instalment_cents": cents,
        # The course's full price at sale (the field a membership line keeps its price in).
        "plan_price_cents": course.price_cents,
    }


def _instalment_line(order: Order) -> OrderLine | None:
    return order.lines.filter(instalment_count__gt=0).select_related("course").first()


def instalment_plan_for_order(*, order: Order) -> InstalmentPlan | None:
    """The order's plan, made (awaiting its first payment) on first use from the order's
    instalment line; None for an order without one or without a customer."""
    plan = InstalmentPlan.objects.filter(order=order).first()
    if plan is not None:
        return plan
    line = _instalment_line(order)
    if line is None or order.user_id is None:
        return None
    try:
        with transaction.atomic():
            return InstalmentPlan.objects.create(
                user_id=order.user_id,
                course=line.course,
                order=order,
                title=line.title,
                instalment_count=line.instalment_count,
                instalment_cents=line.instalment_cents,
                price_cents=line.plan_price_cents,
                gateway=order.gateway,
                gateway_subscription=order.gateway_subscription,
            )
    except IntegrityError:
        return InstalmentPlan.objects.filter(order=order).first()


def instalments_start_subscription(*, order: Order, gateway: PaymentGateway) -> PaymentState:
    """Open the plan's monthly subscription at the provider; its first invoice's payment is
    the order's payment (confirmed on our page like a course's). Raises GatewayError."""
    line = _instalment_line(order)
    subscription = gateway.create_subscription(
        SubscriptionRequest(
            order_number=order.number,
            email=order.email,
            plan_name=line.title,
            plan_product="",
            interval="month",
            price_cents=line.instalment_cents,
            first_cents=order.total_cents,
            recurring_cents=line.instalment_cents,
            trial_days=0,
            currency=order.currency,
            idempotency_key=f"order-{order.number}-instalments",
            customer=_provider_customer(user=order.user, gateway=gateway),
        )
    )
    payment = subscription.payment or PaymentState(
        reference="", status="pending", amount_cents=order.total_cents
    )
    Order.objects.filter(pk=order.pk).update(
        gateway=gateway.name,
        gateway_reference=payment.reference,
        gateway_subscription=subscription.reference,
    )
    order.gateway, order.gateway_reference = gateway.name, payment.reference
    order.gateway_subscription = subscription.reference
    plan = instalment_plan_for_order(order=order)
    if plan is not None:
        InstalmentPlan.objects.filter(pk=plan.pk).update(
            gateway=gateway.name,
            gateway_subscription=subscription.reference,
            gateway_customer=subscription.customer,
        )
    return payment


def _provider_customer(*, user: AbstractBaseUser | None, gateway: PaymentGateway) -> str:
    """The provider's customer of the user's latest plan or membership there, or ""."""
    if user is None:
        return ""
    for model in (InstalmentPlan, Membership):
        customer = (
            model.objects.filter(user=user, gateway=gateway.name)
            .exclude(gateway_customer="")
            .values_list("gateway_customer", flat=True)
            .first()
        )
        if customer:
            return customer
    return ""


# Payments ---------------------------------------------------------------------------


def instalment_plan_start(*, order: Order, now: datetime | None = None) -> InstalmentPlan | None:
    """The order's payment is the first instalment: the plan starts now, with it paid.

    Called inside `order_fulfil`'s transaction (which grants the enrollment). When the
    provider's events came first the plan exists already and keeps what they recorded; the
    first instalment counts once either way. Raises InstalmentsNotChangeable (the order is
    then refunded, not fulfilled) when the plan was canceled before its first payment.
    """
    now = now or timezone.now()
    plan = instalment_plan_for_order(order=order)
    if plan is None:
        return None
    if plan.status == InstalmentPlan.Status.CANCELED:
        raise InstalmentsNotChangeable("This payment plan was canceled before its first payment.")
    InstalmentPlan.objects.filter(pk=plan.pk, status=InstalmentPlan.Status.INCOMPLETE).update(
        status=InstalmentPlan.Status.ACTIVE, updated_at=now
    )
    InstalmentPlan.objects.filter(pk=plan.pk, started_at__isnull=True).update(
        started_at=now,
        gateway=order.gateway,
        gateway_subscription=order.gateway_subscription,
    )
    _record_paid(
        plan=plan,
        reference=f"order-{order.number}",
        amount_cents=order.total_cents,
        paid_at=now,
        period_end=add_interval(now, "month"),
        payment_reference=order.gateway_reference,
    )
    plan.refresh_from_db()
    return plan


def _record_paid(
    *,
    plan: InstalmentPlan,
    reference: str,
    amount_cents: int,
    paid_at: datetime,
    period_end: datetime | None,
    payment_reference: str = "",
) -> str:
    """Count one paid instalment once (by `reference`): the plan moves on, completes after
    the N-th, or — ended already, or paid beyond N — the money is given back."""
    row, _ = InstalmentPayment.objects.get_or_create(
        gateway_reference=reference,
        defaults={
            "plan": plan,
            "amount_cents": amount_cents,
            "period_end": period_end,
            "payment_reference": payment_reference,
        },
    )
    turned_paid = (
        InstalmentPayment.objects.filter(pk=row.pk)
        .exclude(status=InstalmentPayment.Status.PAID)
        .update(
            status=InstalmentPayment.Status.PAID,
            paid_at=paid_at,
            amount_cents=amount_cents,
            payment_reference=payment_reference or row.payment_reference,
        )
    )
    if not turned_paid:
        return "recorded"
    counted = (
        InstalmentPlan.objects.filter(pk=plan.pk, status__in=OPEN_STATUSES)
        .filter(paid_count__lt=F("instalment_count"))
        .update(
            paid_count=F("paid_count") + 1,
            status=InstalmentPlan.Status.ACTIVE,
            past_due_since=None,
            grace_ends_at=None,
            updated_at=timezone.now(),
        )
    )
    if not counted:
        # The plan ended (refunded, defaulted) or is paid in full: this money is not owed.
        logger.error("Instalment %s arrived for plan %s, which owes nothing", reference, plan.pk)
        _refund_instalment_after_commit(payment_id=row.pk)
        return "refunded"
    if period_end is not None:
        InstalmentPlan.objects.filter(pk=plan.pk).filter(
            Q(next_charge_at__isnull=True) | Q(next_charge_at__lt=period_end)
        ).update(next_charge_at=period_end)
    completed = InstalmentPlan.objects.filter(
        pk=plan.pk, status=InstalmentPlan.Status.ACTIVE, paid_count__gte=F("instalment_count")
    ).update(
        status=InstalmentPlan.Status.COMPLETED,
        completed_at=paid_at,
        next_charge_at=None,
        updated_at=timezone.now(),
    )
    if completed:
        _stop_subscription_after_commit(plan_id=plan.pk)
        logger.info("Instalment plan %s paid in full", plan.pk)
        return "completed"
    return "paid"


def _stop_subscription_after_commit(*, plan_id: int) -> None:
    """Tell the provider to bill the plan's subscription no more: it ends at the close of
    the period just paid, by itself. A refusal is logged (a charge that still comes is
    refunded when it arrives)."""
    gateway_name, reference = InstalmentPlan.objects.values_list(
        "gateway", "gateway_subscription"
    ).get(pk=plan_id)
    if not reference:
        return

    def stop():
        gateway = get_gateway()
        if gateway.name != gateway_name or not gateway.subscribes_at_provider:
            logger.warning("Plan %s: its subscription is not with %s", plan_id, gateway.name)
            return
        try:
            gateway.cancel_subscription(reference=reference, at_period_end=True)
        except GatewayError:
            logger.exception("Plan %s: could not stop subscription %s", plan_id, reference)

    transaction.on_commit(stop)


def _refund_instalment_after_commit(*, payment_id: int) -> None:
    def refund():
        row = InstalmentPayment.objects.select_related("plan").get(pk=payment_id)
        owed = row.amount_cents - row.refunded_cents
        if owed <= 0:
            return
        gateway = get_gateway()
        if row.plan.gateway and gateway.name != row.plan.gateway:
            logger.error("Instalment %s: its gateway is not %s", row.pk, gateway.name)
            return
        if gateway.subscribes_at_provider and not row.payment_reference:
            logger.error("Instalment %s names no payment to refund; refund it by hand", row.pk)
            return
        try:
            refund = gateway.refund_payment(
                reference=row.payment_reference,
                amount_cents=owed,
                idempotency_key=f"instalment-{row.pk}-refund",
            )
        except GatewayError:
            logger.exception("Instalment %s could not be refunded", row.pk)
            return
        if refund.status == "succeeded":
            InstalmentPayment.objects.filter(pk=row.pk, refunded_cents=row.refunded_cents).update(
                refunded_cents=row.amount_cents, refunded_at=timezone.now()
            )

    transaction.on_commit(refund)


def _grace_end(*, failed_at: datetime) -> datetime:
    return failed_at + timedelta(days=settings.MEMBERSHIP_GRACE_DAYS)


def _start_grace(*, plan: InstalmentPlan, at: datetime, notify: bool) -> bool:
    """An active plan's instalment failed: past due until the grace period ends (the
    failure e-mail once per grace period, the ending notice and the ending scheduled)."""
    went_past_due = InstalmentPlan.objects.filter(
        pk=plan.pk, status=InstalmentPlan.Status.ACTIVE
    ).update(
        status=InstalmentPlan.Status.PAST_DUE,
        past_due_since=at,
        grace_ends_at=_grace_end(failed_at=at),
        updated_at=at,
    )
    if not went_past_due:
        return False
    grace_end = InstalmentPlan.objects.values_list("grace_ends_at", flat=True).get(pk=plan.pk)
    if notify and (
        InstalmentPlan.objects.filter(pk=plan.pk)
        .exclude(failure_notice_for=grace_end)
        .update(failure_notice_for=grace_end)
    ):
        transaction.on_commit(
            lambda: tasks.send_instalment_email.enqueue(plan_id=plan.pk, kind="payment_failed")
        )
    tasks.schedule(tasks.send_instalment_ending_notices, at=grace_end - ENDING_NOTICE_BEFORE)
    tasks.schedule(tasks.end_overdue_instalment_plans, at=grace_end)
    return True


@transaction.atomic
def instalment_apply_invoice(*, plan: InstalmentPlan, invoice: InvoiceState) -> str:
    """Record one instalment's charge: paid counts once (by the invoice; the first invoice
    is the order's payment) and may complete the plan; failed makes an active plan past
    due with the grace period and one e-mail. A paid instalment never becomes failed again.
    Returns "paid", "completed", "failed", "refunded" or "recorded"."""
    order = plan.order
    reference = invoice.reference
    if invoice.payment_reference and invoice.payment_reference == order.gateway_reference:
        reference = f"order-{order.number}"
    if invoice.status == "paid":
        return _record_paid(
            plan=plan,
            reference=reference,
            amount_cents=invoice.amount_cents,
            paid_at=invoice.paid_at or timezone.now(),
            period_end=invoice.period_end,
            payment_reference=invoice.payment_reference,
        )
    if invoice.status != "failed":
        return "recorded"
    row, _ = InstalmentPayment.objects.get_or_create(
        gateway_reference=reference,
        defaults={
            "plan": plan,
            "amount_cents": invoice.amount_cents,
            "period_end": invoice.period_end,
            "payment_reference": invoice.payment_reference,
        },
    )
    InstalmentPayment.objects.filter(pk=row.pk, status=InstalmentPayment.Status.OPEN).update(
        status=InstalmentPayment.Status.FAILED
    )
    if InstalmentPayment.objects.filter(pk=row.pk, status=InstalmentPayment.Status.PAID).exists():
        return "recorded"
    return "failed" if _start_grace(plan=plan, at=timezone.now(), notify=True) else "recorded"


@transaction.atomic
def instalment_apply_subscription(
    *, plan: InstalmentPlan, subscription: SubscriptionState, at: datetime
) -> bool:
    """Take the provider's word on the plan's subscription: canceled before the plan was
    paid in full ends it (access revoked); past due starts the grace period (once). A
    completed or canceled plan stays as it is. Returns True when the plan changed."""
    if subscription.customer:
        InstalmentPlan.objects.filter(pk=plan.pk, gateway_customer="").update(
            gateway_customer=subscription.customer
        )
    if subscription.status == "canceled":
        return instalment_plan_cancel(
            plan=plan, at=subscription.canceled_at or at, stop_at_gateway=False
        )
    if subscription.status == "past_due" and not _paid_through(plan, subscription):
        return _start_grace(plan=plan, at=at, notify=False)
    return False


def _paid_through(plan: InstalmentPlan, subscription: SubscriptionState) -> bool:
    """Whether we hold the instalment of the subscription's current period paid. Past due
    means that one is unpaid, so a past-due snapshot is then older than the payment (a new
    card's subscription update and the retry it paid share a second, and their events come
    in any order), as for memberships (`membership_apply_subscription`)."""
    return subscription.current_period_end is not None and (
        plan.payments.filter(
            status=InstalmentPayment.Status.PAID,
            period_end__gte=subscription.current_period_end,
        ).exists()
    )


@transaction.atomic
def instalment_plan_cancel(
    *,
    plan: InstalmentPlan,
    at: datetime | None = None,
    stop_at_gateway: bool = True,
    completed_too: bool = False,
) -> bool:
    """End a plan that is not paid in full: the enrollment its order granted is revoked and
    (unless the provider ended it) its subscription is stopped. A canceled plan, and a
    completed one unless `completed_too` (a refund), is left as it is. True if it ended."""
    at = at or timezone.now()
    endable = [*OPEN_STATUSES, InstalmentPlan.Status.COMPLETED] if completed_too else OPEN_STATUSES
    ended = InstalmentPlan.objects.filter(pk=plan.pk, status__in=endable).update(
        status=InstalmentPlan.Status.CANCELED,
        canceled_at=at,
        next_charge_at=None,
        updated_at=timezone.now(),
    )
    if not ended:
        return False
    enrollment_revoke_for_order(order=plan.order)
    if stop_at_gateway:
        _stop_subscription_after_commit(plan_id=plan.pk)
    logger.info("Instalment plan %s ended unpaid; access revoked", plan.pk)
    return True


def instalment_plans_end_overdue(*, now: datetime | None = None) -> int:
    """End the past-due plans whose grace period has run out (access revoked); returns how
    many. Scheduled at each grace period's end and run by `manage.py shop_sweep`."""
    now = now or timezone.now()
    overdue = InstalmentPlan.objects.filter(
        status=InstalmentPlan.Status.PAST_DUE, grace_ends_at__lte=now
    )
    return sum(instalment_plan_cancel(plan=plan, at=now) for plan in overdue)


def instalment_plans_send_ending_notices(*, now: datetime | None = None) -> int:
    """E-mail the customers whose grace period ends within ENDING_NOTICE_BEFORE, once per
    grace period (a conditional UPDATE claims each). Returns how many were queued."""
    now = now or timezone.now()
    due = InstalmentPlan.objects.filter(
        status=InstalmentPlan.Status.PAST_DUE,
        grace_ends_at__gt=now,
        grace_ends_at__lte=now + ENDING_NOTICE_BEFORE,
    ).exclude(ending_notice_for=F("grace_ends_at"))
    sent = 0
    for plan_id, grace_end in due.values_list("pk", "grace_ends_at"):
        if (
            InstalmentPlan.objects.filter(pk=plan_id, grace_ends_at=grace_end)
            .exclude(ending_notice_for=grace_end)
            .update(ending_notice_for=grace_end)
        ):
            tasks.send_instalment_email.enqueue(plan_id=plan_id, kind="access_ending")
            sent += 1
    return sent


def instalment_plans_end_for_refunded_order(*, order: Order) -> int:
    """A full refund of the order ends its plan now, paid in full or not (access with it,
    the subscription stopped), and marks the first instalment refunded; the later
    instalments already paid are refunded too, so the customer gets back all they paid.
    A repeat changes nothing. Returns how many plans ended."""
    now = timezone.now()
    InstalmentPayment.objects.filter(
        gateway_reference=f"order-{order.number}", refunded_at__isnull=True
    ).update(refunded_cents=F("amount_cents"), refunded_at=now)
    plan = InstalmentPlan.objects.filter(order=order).first()
    if plan is None or not instalment_plan_cancel(plan=plan, at=now, completed_too=True):
        return 0
    later = plan.payments.filter(status=InstalmentPayment.Status.PAID, refunded_at__isnull=True)
    for payment_id in later.values_list("pk", flat=True):
        _refund_instalment_after_commit(payment_id=payment_id)
    return 1


def instalment_plan_demo_charge(*, plan: InstalmentPlan, approve: bool) -> str:
    """The test gateway's clock: charge the plan's next instalment now, paid or declined.

    Only for plans billed locally (the demo); a provider bills its own. Raises
    InstalmentsNotChangeable for a plan that is not being paid. Returns what happened:
    "paid", "completed", "failed" or "recorded".
    """
    if plan.gateway_subscription:
        raise InstalmentsNotChangeable("This payment plan is billed by the payment provider.")
    plan.refresh_from_db()
    if plan.status not in InstalmentPlan.RUNNING:
        raise InstalmentsNotChangeable(
            f"Only a plan being paid has a next instalment; this one is "
            f"{plan.get_status_display().lower()}."
        )
    number = plan.paid_count + 1
    prefix = f"test-instalment-{plan.pk}-{number}-"
    attempt = plan.payments.filter(gateway_reference__startswith=prefix).count() + 1
    invoice = InvoiceState(
        reference=f"test-instalment-{plan.pk}-{number}-{attempt}",
        subscription="",
        customer="",
        status="paid" if approve else "failed",
        amount_cents=plan.instalment_cents,
        period_start=plan.due_at(number),
        period_end=plan.due_at(number + 1),
        paid_at=timezone.now() if approve else None,
        failure_message="" if approve else "the test card was declined",
    )
    return instalment_apply_invoice(plan=plan, invoice=invoice)


def instalment_plan_owner(*, plan_id: int, user: AbstractBaseUser) -> InstalmentPlan | None:
    """The user's own plan by id (None for anyone else's)."""
    return InstalmentPlan.objects.filter(pk=plan_id, user=user).first()


def instalment_plan_for_subscription(*, subscription: SubscriptionState) -> InstalmentPlan | None:
    """The plan of a provider subscription (made from its checkout order when the events
    come before the order's payment); None when it is not a payment plan's."""
    plan = InstalmentPlan.objects.filter(gateway_subscription=subscription.reference).first()
    if plan is not None:
        return plan
    order = Order.objects.filter(
        Q(gateway_subscription=subscription.reference) | Q(number=subscription.order_number or "-")
    ).first()
    if order is None:
        return None
    plan = instalment_plan_for_order(order=order)
    if plan is not None and not plan.gateway_subscription:
        InstalmentPlan.objects.filter(pk=plan.pk, gateway_subscription="").update(
            gateway_subscription=subscription.reference
        )
        plan.refresh_from_db()
    return plan
