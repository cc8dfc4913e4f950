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
from django.db.models import F
from django.utils import timezone

from shop.exceptions import (
    GatewayError,
    MembershipAlreadyActive,
    MembershipNotChangeable,
    PlanNotAvailable,
    RefundRefused,
)
from shop.models import Membership, MembershipInvoice, MembershipPlan, Order, add_interval
from shop.payments.base import (
    InvoiceState,
    PaymentGateway,
    PaymentState,
    PlanChangeRequest,
    SetupState,
)
from shop.selectors import membership_running
from shop.services.memberships import membership_apply_invoice, membership_cancel
from shop.services.refunds import order_record_refund

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


def membership_last_invoice(*, membership: Membership) -> MembershipInvoice | None:
    """The invoice a shop manager's "refund the last invoice" is for: the latest one, passing
    over paid invoices that charged nothing (a plan switched down whose credit paid it, a
    renewal the credit covered) — the last that took money, or was asked to (an open or
    failed one, which is then refused). The latest invoice when none charged; None if none."""
    invoices = membership.invoices.order_by("-period_start", "-pk")
    charged = invoices.exclude(status=MembershipInvoice.Status.PAID, amount_cents=0)
    return charged.first() or invoices.first()


def membership_invoices_passed_over(*, invoice: MembershipInvoice) -> list[MembershipInvoice]:
    """The membership's invoices after `invoice` (newest first): the ones that charged
    nothing, which the refund of `invoice` leaves as they are."""
    later: list[MembershipInvoice] = []
    for row in invoice.membership.invoices.order_by("-period_start", "-pk"):
        if row.pk == invoice.pk:
            return later
        later.append(row)
    return []


def membership_invoice_refundable_cents(*, invoice: MembershipInvoice) -> int:
    """What a refund of the invoice still returns, in cents (never negative): what it
    charged less what was refunded already — on the invoice (a provider's partial refund,
    `charge.refunded`) or, for the checkout order's payment, on the order."""
    refunded = invoice.refunded_cents
    order = _order_paid_by(invoice)
    if order is not None:
        refunded = max(refunded, order.refunded_cents)
    return max(invoice.amount_cents - refunded, 0)


def membership_invoice_check_refundable(*, invoice: MembershipInvoice) -> None:
    """Raise RefundRefused (the shop manager's sentence) unless the invoice is the
    membership's last that charged money (`membership_last_invoice`), paid, and has some of
    it left to refund."""
    if invoice.status != MembershipInvoice.Status.PAID:
        raise RefundRefused(
            f"This invoice is {invoice.get_status_display().lower()}: nothing was paid to refund."
        )
    if not invoice.amount_cents:
        raise RefundRefused("This invoice charged nothing: there is nothing to refund.")
    if not membership_invoice_refundable_cents(invoice=invoice):
        raise RefundRefused("This invoice has already been refunded.")
    if membership_last_invoice(membership=invoice.membership) != invoice:
        raise RefundRefused("Only the membership's last invoice can be refunded.")


def _order_paid_by(invoice: MembershipInvoice, *, payment_reference: str = "") -> Order | None:
    """The checkout order whose payment this invoice is (the membership's first), if any.
    `payment_reference` is the invoice's payment when the provider's event left it out."""
    order = invoice.membership.order
    if order is None:
        return None
    if invoice.gateway_reference == f"order-{order.number}":
        return order
    payment = invoice.payment_reference or payment_reference
    if order.gateway_reference and payment == order.gateway_reference:
        return order
    return None


def membership_refund_last_invoice(
    *, invoice: MembershipInvoice, gateway: PaymentGateway, now: datetime | None = None
) -> int:
    """Refund what is left of the membership's last invoice that charged money
    (`membership_last_invoice`) and end the membership now (access with it; the subscription
    is canceled at the provider, no proration; a plan change's unused credit lapses).
    Returns the cents this call had the gateway give back.

    On a provider the subscription is ended first, then the payment refunded: a refund the
    provider made is never reported as not made because the cancel after it failed, and a
    refund that fails after the cancel can be asked again (a canceled membership's last
    invoice stays refundable). The provider refunds with one key per invoice and amount, so
    a second click or a concurrent one is one refund there; here the invoice's conditional
    UPDATE records it once, whether our call or the provider's `charge.refunded` comes
    first. When the invoice paid the checkout order, the order is refunded in full too
    (what the order's refund takes back). Raises RefundRefused (changing nothing) when
    `membership_invoice_check_refundable` refuses, GatewayError when the provider refuses or
    fails (nothing refunded; the message says whether the subscription was ended).
    """
    now = now or timezone.now()
    invoice.refresh_from_db()
    membership = invoice.membership
    membership_invoice_check_refundable(invoice=invoice)
    amount = membership_invoice_refundable_cents(invoice=invoice)
    key = f"membership-invoice-{invoice.pk}-refund"
    if amount != invoice.amount_cents:  # the rest of a partial refund made at the provider
        key = f"{key}-rest-{amount}"
    if membership.gateway_subscription:
        if not gateway.subscribes_at_provider:
            raise RefundRefused("This membership is billed by a payment provider not set up here.")
        gateway.end_subscription(reference=membership.gateway_subscription)
        membership_cancel(membership=membership, at=now)
        try:
            if invoice.payment_reference:
                refund = gateway.refund_payment(
                    reference=invoice.payment_reference, amount_cents=amount, idempotency_key=key
                )
            else:
                refund = gateway.refund_subscription_invoice(
                    reference=invoice.gateway_reference, amount_cents=amount, idempotency_key=key
                )
        except GatewayError as exc:
            raise GatewayError(
                f"{exc} The subscription has been canceled and access has ended; "
                "refund again to return the money."
            ) from exc
    else:
        if not gateway.offers_test_payment_page:
            raise RefundRefused("This membership was billed by the test gateway, not set up here.")
        order = _order_paid_by(invoice)
        refund = gateway.refund_payment(
            reference=order.gateway_reference if order else invoice.gateway_reference,
            amount_cents=amount,
            idempotency_key=key,
        )
    order = _order_paid_by(invoice, payment_reference=refund.payment_reference)
    with transaction.atomic():
        if membership.gateway_subscription and refund.payment_reference:
            # An event of a newer API version names no payment: the refund found it.
            MembershipInvoice.objects.filter(pk=invoice.pk, payment_reference="").update(
                payment_reference=refund.payment_reference
            )
        MembershipInvoice.objects.filter(
            pk=invoice.pk, refunded_cents__lt=F("amount_cents")
        ).update(refunded_cents=F("amount_cents"), refunded_at=now)
        membership_cancel(membership=membership, at=now)
        # Credit left by a plan switched down was for renewals that no longer come.
        Membership.objects.filter(pk=membership.pk).update(credit_cents=0)
        if order is not None:
            # A repeat (or the order's own `charge.refunded` first) records nothing more.
            order_record_refund(order=order, refunded_cents=order.total_cents, full=True)
    logger.info("Membership %s: invoice %s refunded, membership ended", membership.pk, invoice.pk)
    return amount


def _invoice_refunded_by(
    payment: PaymentState, *, gateway: PaymentGateway | None
) -> MembershipInvoice | None:
    """The membership invoice a refunded payment paid: by the payment we stored for it, else
    by the invoice the provider names on the payment (Stripe before 2025-03-31.basil), else
    — a member's payment on a newer API version, whose invoice events named no payment —
    by the invoice the provider maps the payment to (`invoice_for_payment`). A match found
    the last two ways stores the payment on the invoice, so a later event needs no lookup.
    An invoice of ours not recorded yet (the refund came before its `invoice.paid`) is
    recorded from the provider first (`_invoice_recorded_from_refund`)."""
    if not payment.reference and not payment.invoice:
        return None
    if payment.reference:
        row = MembershipInvoice.objects.filter(payment_reference=payment.reference).first()
        if row is not None:
            return row
    invoice = payment.invoice
    if not invoice and gateway is not None and _is_member(payment.customer):
        invoice = gateway.invoice_for_payment(reference=payment.reference)
    row = MembershipInvoice.objects.filter(gateway_reference=invoice).first() if invoice else None
    if row is None and invoice and gateway is not None and _is_member(payment.customer):
        row = _invoice_recorded_from_refund(reference=invoice, gateway=gateway)
    if row is not None and payment.reference:
        MembershipInvoice.objects.filter(pk=row.pk, payment_reference="").update(
            payment_reference=payment.reference
        )
    return row


def _is_member(customer: str) -> bool:
    """Whether the provider's customer holds a membership here (only then is it asked)."""
    return bool(customer) and Membership.objects.filter(gateway_customer=customer).exists()


def _invoice_recorded_from_refund(
    *, reference: str, gateway: PaymentGateway
) -> MembershipInvoice | None:
    """A refund that arrives before its invoice's `invoice.paid` proves the invoice was paid,
    as a refund before the payment's success event does for an order: the invoice is read
    from the provider and recorded as its event would record it (`membership_apply_invoice`),
    so the refund has its row and the late `invoice.paid` is a repeat. None when it is not
    a paid invoice of one of our memberships."""
    state = gateway.retrieve_subscription_invoice(reference=reference)
    membership = (
        Membership.objects.filter(gateway_subscription=state.subscription).first()
        if state.subscription
        else None
    )
    if membership is None or state.status != "paid":
        return None
    membership_apply_invoice(membership=membership, invoice=state)
    return MembershipInvoice.objects.filter(gateway_reference=reference).first()


def membership_record_invoice_refund(
    *,
    payment: PaymentState,
    at: datetime | None = None,
    gateway: PaymentGateway | None = None,
) -> bool:
    """A provider's refund (`charge.refunded`) of a membership invoice that no order is paid
    by (a renewal or a plan change): record the refunded amount on the invoice (never less
    than recorded; the provider's `amount_refunded` is the running total, so a partial
    refund and then the rest, or a repeat, are each counted once) and, when in full, end the
    membership. The invoice is found as `_invoice_refunded_by` says (`gateway` asked only for
    a known member's payment that names no invoice; a GatewayError then changes nothing, so
    the provider's retry can match it). True when an invoice matched."""
    at = at or timezone.now()
    invoice = _invoice_refunded_by(payment, gateway=gateway)
    if invoice is None:
        return False
    refunded = min(payment.amount_refunded_cents, invoice.amount_cents)
    with transaction.atomic():
        MembershipInvoice.objects.filter(pk=invoice.pk, refunded_cents__lt=refunded).update(
            refunded_cents=refunded, refunded_at=at
        )
        if refunded >= invoice.amount_cents:
            membership_cancel(membership=invoice.membership, at=at)
    return True


CARD_UPDATABLE = [Membership.Status.ACTIVE, Membership.Status.TRIALING, Membership.Status.PAST_DUE]


def membership_check_card_updatable(*, membership: Membership) -> None:
    """Raise MembershipNotChangeable unless the membership still charges a card."""
    if membership.status not in CARD_UPDATABLE:
        raise MembershipNotChangeable(
            "This membership has ended: there is no card to update. "
            "Subscribe again from the membership page."
        )


def membership_card_update_start(*, membership: Membership, gateway: PaymentGateway) -> SetupState:
    """Open the provider's card update (a SetupIntent for the membership's customer, for
    off-session renewals) for the Payment Element to confirm. Reloading the page reuses it:
    the key follows the membership's last change, which a saved card moves on. Raises
    MembershipNotChangeable for a membership that has ended or is not billed there."""
    membership_check_card_updatable(membership=membership)
    if not (membership.gateway_subscription and membership.gateway_customer):
        raise MembershipNotChangeable("This membership's card is not kept by the provider.")
    return gateway.start_card_update(
        customer=membership.gateway_customer,
        subscription=membership.gateway_subscription,
        key=f"membership-{membership.pk}-card-{membership.updated_at:%Y%m%d%H%M%S%f}",
    )


def _retry_failed_invoice(
    *, membership: Membership, gateway: PaymentGateway | None, key: str
) -> str:
    """A past-due membership's failed renewal charged again with the new card: "paid" (the
    membership is active again), "failed" (still past due), or "" when nothing was due."""
    membership.refresh_from_db()
    if membership.status != Membership.Status.PAST_DUE:
        return ""
    row = (
        membership.invoices.filter(status=MembershipInvoice.Status.FAILED)
        .order_by("-period_end", "-pk")
        .first()
    )
    if row is None:
        return ""
    if gateway is None:  # the test gateway: the test card pays it
        state = InvoiceState(
            reference=row.gateway_reference,
            subscription="",
            customer="",
            status="paid",
            amount_cents=row.amount_cents,
            period_start=row.period_start,
            period_end=row.period_end,
            paid_at=timezone.now(),
        )
    else:
        try:
            state = gateway.retry_subscription_invoice(reference=row.gateway_reference, key=key)
        except GatewayError as exc:
            logger.warning("Retry of invoice %s failed: %s", row.gateway_reference, exc)
            return "failed"
    if state.status != "paid":
        return "failed"
    membership_apply_invoice(membership=membership, invoice=state)
    return "paid"


def membership_card_update_apply(
    *, membership: Membership, setup: SetupState, gateway: PaymentGateway
) -> str:
    """Take a confirmed card update (from the return page or `setup_intent.succeeded`, in
    either order, repeatable): the card becomes the customer's and the subscription's
    default, and a past-due membership's failed renewal is charged again (`Invoice.pay`,
    one key per invoice and card, so the page and the event pay it once).

    Returns "pending" / "failed" (the SetupIntent is not confirmed; nothing changes),
    "saved", "paid" (saved, and the renewal went through) or "declined" (saved, but the
    renewal was declined again). Raises MembershipNotChangeable when the SetupIntent is
    another customer's (nothing changes)."""
    if setup.customer != membership.gateway_customer:
        raise MembershipNotChangeable("That card update is not for this membership.")
    if setup.status != "succeeded":
        return "failed" if setup.status == "failed" else "pending"
    gateway.set_default_card(
        customer=membership.gateway_customer,
        subscription=membership.gateway_subscription,
        payment_method=setup.payment_method,
    )
    Membership.objects.filter(pk=membership.pk).update(updated_at=timezone.now())
    retried = _retry_failed_invoice(
        membership=membership, gateway=gateway, key=f"retry-{setup.reference}"
    )
    return {"paid": "paid", "failed": "declined"}.get(retried, "saved")


def membership_card_update_test(*, membership: Membership, approve: bool) -> str:
    """The test gateway's card form: "Save test card" saves nothing (no card exists) but
    charges a past-due membership's failed renewal again, paid; "Decline" changes nothing.
    Returns "saved", "paid" or "failed"."""
    membership_check_card_updatable(membership=membership)
    if membership.gateway_subscription:
        raise MembershipNotChangeable("This membership's card is kept by the payment provider.")
    if not approve:
        return "failed"
    return "paid" if _retry_failed_invoice(membership=membership, gateway=None, key="") else "saved"
