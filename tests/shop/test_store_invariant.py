"""The store's invariant, tried by a stateful property test over every customer action.

No sequence of customer actions — in any order, repeated, with late payments, declines,
cancellations, abandoned orders and full or partial refunds — ends with customers holding
more value than they paid for plus what the store intends to give:

    cash kept by the store  +  coupon discounts  +  partial refunds the shop granted
        +  promotion rewards earned by real money and past their refund window
    ≥  list price of every active enrollment  +  every spendable gift-card balance

A course bought in instalments counts, while its plan is being paid, only what has been
paid of it (the rest is credit the store extends on purpose); once paid in full, its list
price; an ended plan's access must be gone. A membership — renewed, switched between plans
(prorated) and refunded by the shop manager, in any order and again — never holds more
credit than it paid, and no payment gives back more than it took (the test gateway records
each refund once per idempotency key, as a provider does).

Beside it, after every step: no balance below zero, each card's balance equals its ledger,
coupon uses within their limits, an order fulfilled at most once, and no reward card ever
paid for a gift card. Example counts come from the Hypothesis profile (tests/conftest.py).
"""

import contextlib
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from courses.models import Enrollment
from shop.exceptions import ShopError
from shop.models import (
    Coupon,
    CouponRedemption,
    GiftCard,
    GiftCardTransaction,
    InstalmentPayment,
    InstalmentPlan,
    Membership,
    MembershipInvoice,
    Order,
    OrderGiftCard,
)
from shop.payments import get_gateway
from shop.payments.base import InvoiceState, PaymentState
from shop.payments.local import TestGateway
from shop.services import (
    cart_add_course,
    cart_add_gift_card,
    cart_add_plan,
    cart_apply_coupon,
    cart_apply_gift_card,
    cart_choose_instalments,
    cart_get_or_create,
    cart_remove_coupon,
    cart_remove_course,
    cart_remove_gift_card_line,
    cart_remove_plan,
    checkout_start,
    gift_card_claim,
    instalment_apply_invoice,
    instalment_plan_demo_charge,
    instalment_plans_end_overdue,
    membership_demo_renew,
    membership_set_cancel_at_period_end,
    order_apply_payment,
    order_refund,
    orders_release_abandoned,
)
from shop.services.membership_billing import (
    membership_last_invoice,
    membership_refund_last_invoice,
    membership_switch_plan,
)
from tests.courses.factories import CoursePageFactory
from tests.factories import UserFactory
from tests.shop.factories import (
    GiftCardDenominationFactory,
    MembershipPlanFactory,
    PromotionFactory,
)

pytestmark = pytest.mark.django_db

FULFILLED = [Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED]
# The memberships a plan switch changes, and those with an invoice that took money not all
# given back: each rule runs once there is one, and picks among those first.
SWITCHABLE = Q(status=Membership.Status.ACTIVE)
REFUNDABLE = Q(
    invoices__status=MembershipInvoice.Status.PAID,
    invoices__amount_cents__gt=0,
    invoices__refunded_cents__lt=F("invoices__amount_cents"),
)


class World:
    """What every example starts from: two customers, two promoted courses, two coupons."""

    def __init__(self, course_index):
        self.courses = [
            CoursePageFactory(
                parent=course_index,
                title="The Balance Gym",
                price_cents=14900,
                instalment_count=3,
                instalment_cents=5500,
            ),
            CoursePageFactory(
                parent=course_index,
                title="Pain-Free Posture",
                price_cents=9900,
                instalment_count=2,
                instalment_cents=4950,
            ),
        ]
        # A reward worth more than the cheaper course: the coach's own worst case.
        self.promotion = PromotionFactory(
            eligible_courses=self.courses, reward_cents=10000, minimum_order_cents=5000
        )
        self.coupons = [
            Coupon.objects.create(
                code="ONCE", kind=Coupon.Kind.PERCENT, percent_off=10, max_uses=1
            ),
            Coupon.objects.create(
                code="MINE",
                kind=Coupon.Kind.FIXED,
                amount_off_cents=2000,
                max_uses_per_customer=1,
            ),
        ]
        self.denominations = [
            GiftCardDenominationFactory(amount_cents=5000),
            GiftCardDenominationFactory(amount_cents=10000),
        ]
        self.users = [UserFactory(), UserFactory()]
        self.plans = [
            MembershipPlanFactory(name="Monthly", price_cents=2900, courses=self.courses[:1]),
            MembershipPlanFactory(name="Yearly", interval="year", price_cents=29000, trial_days=7),
        ]


class StoreMachine(RuleBasedStateMachine):
    world: World
    # Idempotency key → (payment reference, cents): what the gateway gave back (see the test).
    gateway_refunds: dict[str, tuple[str, int]] = {}

    def __init__(self):
        super().__init__()
        # Each example runs in a savepoint rolled back at its end, on the world built once.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.gateway = get_gateway()
        self.order_ids: list[int] = []
        self.charged: dict[int, int] = {}  # order id → what its successful payment took
        self.partial_refunds: dict[int, int] = {}  # order id → partial refunds asked for
        StoreMachine.gateway_refunds = {}

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # Helpers ----------------------------------------------------------------

    def _cart(self, who):
        return cart_get_or_create(user=self.world.users[who], token=None)

    def _order(self, index):
        """One of the orders placed so far, the most recent first."""
        if not self.order_ids:
            return None
        return Order.objects.get(pk=self.order_ids[-1 - index % len(self.order_ids)])

    def _membership(self, index, *, first=None):
        """One of the memberships started so far, the most recent first — those matching
        `first` (the ones a switch or a refund changes) before the others when given."""
        memberships = Membership.objects.order_by("-pk")
        if first is not None:
            memberships = memberships.annotate(
                rank=Case(When(first, then=Value(0)), default=Value(1))
            ).order_by("rank", "-pk")
        ids = list(memberships.values_list("pk", flat=True).distinct())
        return Membership.objects.get(pk=ids[index % len(ids)])

    def _card(self, index):
        """One of the cards issued so far, the most recent first."""
        ids = list(GiftCard.objects.order_by("-pk").values_list("pk", flat=True))
        return GiftCard.objects.get(pk=ids[index % len(ids)]) if ids else None

    # Carts ------------------------------------------------------------------

    @rule(
        who=st.integers(0, 1),
        which=st.integers(0, 1),
        coupon=st.sampled_from([None, 0, 1]),
        with_cards=st.booleans(),
        gift_card=st.sampled_from([None, 0, 1]),
        then=st.sampled_from(["stay", "checkout", "pay"]),
    )
    def fill_cart(self, who, which, coupon, with_cards, gift_card, then):
        """A visit: a course, maybe a coupon, maybe a gift card for the other customer, maybe
        every card the customer owns to pay with; maybe straight on to checkout."""
        user, cart = self.world.users[who], self._cart(who)
        with contextlib.suppress(ShopError):
            cart_add_course(cart=cart, course=self.world.courses[which], user=user)
        if coupon is not None:
            with contextlib.suppress(ShopError):
                cart_apply_coupon(cart=cart, code=self.world.coupons[coupon].code, user=user)
        if gift_card is not None:
            cart_add_gift_card(
                cart=cart,
                denomination_id=self.world.denominations[gift_card].pk,
                quantity=1,
                recipient_name="Friend",
                recipient_email=self.world.users[1 - who].email,
            )
        if with_cards:
            for card in GiftCard.objects.filter(owner=user):
                with contextlib.suppress(ShopError):
                    cart_apply_gift_card(cart=cart, code=card.code, user=user)
        if then != "stay":
            self.checkout(who)
        if then == "pay" and self.order_ids:
            self.payment_succeeds(0)

    @rule(
        who=st.integers(0, 1),
        which=st.integers(0, 1),
        coupon=st.sampled_from([None, 0, 1]),
        alone=st.booleans(),
        then=st.sampled_from(["stay", "checkout", "pay"]),
    )
    def subscribe(self, who, which, coupon, alone, then):
        """A membership in the cart (maybe beside a course, which checkout refuses), maybe a
        coupon, maybe straight on to checkout and payment — twice, concurrently, late."""
        user, cart = self.world.users[who], self._cart(who)
        if alone:
            cart.lines.all().delete()
            cart.gift_card_lines.all().delete()
        with contextlib.suppress(ShopError):
            cart_add_plan(cart=cart, plan=self.world.plans[which], user=user)
        if coupon is not None:
            with contextlib.suppress(ShopError):
                cart_apply_coupon(cart=cart, code=self.world.coupons[coupon].code, user=user)
        if then != "stay":
            self.checkout(who)
        if then == "pay" and self.order_ids:
            self.payment_succeeds(0)

    @precondition(lambda self: Membership.objects.exists())
    @rule(index=st.integers(0, 3), approve=st.booleans())
    def renewal(self, index, approve):
        """The demo clock: the next period is charged now, paid or declined."""
        membership_demo_renew(membership=self._membership(index), approve=approve)

    @precondition(lambda self: Membership.objects.exists())
    @rule(index=st.integers(0, 3), cancel=st.booleans())
    def cancel_at_period_end(self, index, cancel):
        with contextlib.suppress(ShopError):
            membership_set_cancel_at_period_end(membership=self._membership(index), cancel=cancel)

    @precondition(lambda self: Membership.objects.filter(SWITCHABLE).exists())
    @rule(
        index=st.integers(0, 3),
        to=st.sampled_from(["other", "other", "same"]),
        days_in=st.sampled_from([0, 10, 400]),
        twice=st.booleans(),
    )
    def switch_plan(self, index, to, days_in, twice):
        """The member switches plans (monthly ↔ yearly, prorated) now, some days into the
        period or after it — also to the plan held, while trialing, past due, ending or ended
        (each refused, changing nothing) — maybe twice (a double submit)."""
        membership = self._membership(index, first=SWITCHABLE)
        plan = next(p for p in self.world.plans if (p.pk == membership.plan_id) == (to == "same"))
        now = timezone.now() + timedelta(days=days_in)
        for _ in range(2 if twice else 1):
            try:
                switched = membership_switch_plan(
                    membership=membership,
                    plan=plan,
                    gateway=self.gateway,
                    now=now,
                )
            except ShopError:
                event("plan switch refused")
            else:
                event(f"plan switched, {'no invoice' if switched is None else 'invoiced'}")

    @precondition(lambda self: Membership.objects.filter(REFUNDABLE).exists())
    @rule(index=st.integers(0, 3), stale=st.booleans(), twice=st.booleans())
    def shop_manager_refunds_the_last_invoice(self, index, stale, twice):
        """A shop manager refunds a membership's last invoice that charged money (less what
        was refunded of it already) — or confirms one that is no longer the last (refused),
        an unpaid or refunded one (refused), a canceled membership's; maybe twice."""
        membership = self._membership(index, first=REFUNDABLE)
        invoice = (
            membership.invoices.order_by("period_start", "pk").first()
            if stale
            else membership_last_invoice(membership=membership)
        )
        if invoice is None:
            return
        for _ in range(2 if twice else 1):
            try:
                with TestCase.captureOnCommitCallbacks(execute=True):
                    membership_refund_last_invoice(invoice=invoice, gateway=self.gateway)
            except ShopError:
                event("invoice refund refused")
            else:
                event("invoice refunded")

    @rule(
        who=st.integers(0, 1),
        which=st.integers(0, 1),
        coupon=st.sampled_from([None, 0, 1]),
        alone=st.booleans(),
        then=st.sampled_from(["stay", "checkout", "pay"]),
    )
    def buy_in_instalments(self, who, which, coupon, alone, then):
        """A course chosen to be paid in instalments (maybe beside other items, which checkout
        refuses, or with a coupon, which a plan refuses), maybe straight on to payment."""
        user, cart = self.world.users[who], self._cart(who)
        if alone:
            cart.lines.exclude(course=self.world.courses[which]).delete()
            cart.gift_card_lines.all().delete()
            cart_remove_plan(cart=cart)
            cart_remove_coupon(cart=cart)
        with contextlib.suppress(ShopError):
            cart_choose_instalments(cart=cart, course=self.world.courses[which], user=user)
        if coupon is not None:
            with contextlib.suppress(ShopError):
                cart_apply_coupon(cart=cart, code=self.world.coupons[coupon].code, user=user)
        if then != "stay":
            self.checkout(who)
        if then == "pay" and self.order_ids:
            self.payment_succeeds(0)

    @precondition(lambda self: InstalmentPlan.objects.exists())
    @rule(index=st.integers(0, 3), outcomes=st.lists(st.booleans(), min_size=1, max_size=3))
    def instalments_fall_due(self, index, outcomes):
        """The demo clock: a plan's next instalments are charged now, each paid or declined
        (a plan that ended or is paid in full is charged nothing)."""
        ids = list(InstalmentPlan.objects.order_by("-pk").values_list("pk", flat=True))
        plan = InstalmentPlan.objects.get(pk=ids[index % len(ids)])
        for approve in outcomes:
            with TestCase.captureOnCommitCallbacks(execute=True), contextlib.suppress(ShopError):
                instalment_plan_demo_charge(plan=plan, approve=approve)

    @precondition(lambda self: InstalmentPlan.objects.exists())
    @rule(index=st.integers(0, 3), repeat=st.booleans())
    def provider_reports_a_paid_instalment(self, index, repeat):
        """The provider reports a paid instalment — again (a redelivery counts once), or
        one that still arrives for a plan that ended or is paid in full (refunded)."""
        ids = list(InstalmentPlan.objects.order_by("-pk").values_list("pk", flat=True))
        plan = InstalmentPlan.objects.get(pk=ids[index % len(ids)])
        earlier = plan.payments.filter(status=InstalmentPayment.Status.PAID).last()
        reference = (
            earlier.gateway_reference
            if repeat and earlier
            else f"late-{plan.pk}-{plan.payments.count()}"
        )
        invoice = InvoiceState(
            reference=reference,
            subscription="",
            customer="",
            status="paid",
            amount_cents=plan.instalment_cents,
            period_start=timezone.now(),
            period_end=timezone.now() + timedelta(days=30),
            paid_at=timezone.now(),
        )
        with TestCase.captureOnCommitCallbacks(execute=True):
            instalment_apply_invoice(plan=plan, invoice=invoice)

    @precondition(lambda self: InstalmentPlan.objects.exists())
    @rule()
    def grace_periods_run_out(self):
        with TestCase.captureOnCommitCallbacks(execute=True):
            instalment_plans_end_overdue(now=timezone.now() + timedelta(days=60))

    @rule(who=st.integers(0, 1), change=st.sampled_from(["course", "coupon", "gift cards"]))
    def change_cart(self, who, change):
        """Take something out again: the pending order of the old cart is superseded."""
        cart = self._cart(who)
        if change == "course":
            line = cart.lines.first()
            if line is not None:
                cart_remove_course(cart=cart, course_id=line.course_id)
        elif change == "coupon":
            cart_remove_coupon(cart=cart)
        else:
            for line_id in cart.gift_card_lines.values_list("pk", flat=True):
                cart_remove_gift_card_line(cart=cart, line_id=line_id)

    @precondition(lambda self: GiftCard.objects.exists())
    @rule(who=st.integers(0, 1), index=st.integers(0, 3))
    def claim_gift_card(self, who, index):
        """A customer claims a card they were sent (or tries someone else's)."""
        card = self._card(index)
        if card is None:
            return
        with contextlib.suppress(ShopError):
            gift_card_claim(code=card.code, user=self.world.users[who])

    # Orders and payments ----------------------------------------------------

    @rule(who=st.integers(0, 1))
    def checkout(self, who):
        try:
            order, _ = checkout_start(
                cart=self._cart(who), user=self.world.users[who], gateway=self.gateway
            )
        except ShopError:
            return
        if order.pk not in self.order_ids:
            self.order_ids.append(order.pk)

    @precondition(lambda self: self.order_ids)
    @rule(index=st.integers(0, 3))
    def payment_succeeds(self, index):
        """The customer's payment goes through at the gateway — possibly late, for an order
        that was meanwhile superseded, abandoned or declined, and possibly reported twice."""
        order = self._order(index)
        if order is None or not order.gateway_reference:
            return
        amount = self.charged.setdefault(order.pk, order.total_cents)
        # What runs once the payment's transaction commits runs too: the automatic refund of
        # an order that was paid late but could not be fulfilled.
        with TestCase.captureOnCommitCallbacks(execute=True):
            order_apply_payment(
                order=order,
                payment=PaymentState(
                    reference=order.gateway_reference,
                    status="succeeded",
                    amount_cents=amount,
                    charge=f"{order.gateway_reference}_charge",
                    order_number=order.number,
                ),
            )

    @precondition(lambda self: self.order_ids)
    @rule(index=st.integers(0, 3))
    def payment_declined(self, index):
        order = self._order(index)
        if order is None or not order.gateway_reference:
            return
        order_apply_payment(
            order=order,
            payment=PaymentState(
                reference=order.gateway_reference,
                status="failed",
                amount_cents=order.total_cents,
                failure_message="declined",
                order_number=order.number,
            ),
        )

    @precondition(lambda self: self.order_ids)
    @rule()
    def abandoned_orders_are_released(self):
        orders_release_abandoned(now=timezone.now() + timedelta(days=1))

    @precondition(lambda self: self.order_ids)
    @rule(index=st.integers(0, 3), share=st.sampled_from([1, 2, 3]))
    def refund(self, index, share):
        """The shop refunds an order: in full (share 1), or a half or a third as goodwill."""
        order = self._order(index)
        partial = share > 1
        if order is None or (partial and order.total_cents < share):
            return
        before = order.refunded_cents
        try:
            # What runs after commit runs too: a payment plan's later instalments refunded.
            with TestCase.captureOnCommitCallbacks(execute=True):
                order_refund(
                    order=order,
                    amount_cents=order.total_cents // share if partial else None,
                    reason="goodwill" if partial else "requested",
                    gateway=self.gateway,
                )
        except ShopError:
            return
        order.refresh_from_db()
        if partial:
            self.partial_refunds[order.pk] = (
                self.partial_refunds.get(order.pk, 0) + order.refunded_cents - before
            )

    @precondition(lambda self: self.order_ids)
    @rule()
    def the_refund_window_passes(self):
        """Time moves on past the refund window: paid orders and pending rewards age."""
        window = timedelta(days=400)
        Order.objects.filter(paid_at__isnull=False).update(paid_at=F("paid_at") - window)
        GiftCard.objects.filter(pending_until__isnull=False).update(
            pending_until=F("pending_until") - window
        )

    # Invariants -------------------------------------------------------------

    @invariant()
    def no_balance_below_zero_and_every_balance_equals_its_ledger(self):
        for card in GiftCard.objects.annotate(ledger=Sum("transactions__amount_cents")):
            assert card.balance_cents >= 0
            assert card.balance_cents == (card.ledger or 0), card

    @invariant()
    def coupon_uses_stay_within_their_limits(self):
        once, mine = self.world.coupons
        assert Order.objects.filter(coupon=once, status__in=FULFILLED).count() <= 1
        for user in self.world.users:
            used = Order.objects.filter(coupon=mine, user=user, status__in=FULFILLED).count()
            assert used <= 1

    @invariant()
    def coupon_counters_equal_the_uses_held_and_stay_within_the_limits(self):
        for coupon in self.world.coupons:
            coupon.refresh_from_db()
            held = CouponRedemption.objects.filter(coupon=coupon, released_at__isnull=True)
            assert coupon.uses_count == held.count()
            if coupon.max_uses is not None:
                assert coupon.uses_count <= coupon.max_uses
            if coupon.max_uses_per_customer is not None:
                for user in self.world.users:
                    assert held.filter(user=user).count() <= coupon.max_uses_per_customer
        # Only pending and fulfilled (or refunded after fulfilment) orders hold a use.
        assert not CouponRedemption.objects.filter(
            released_at__isnull=True,
            order__status__in=[
                Order.Status.FAILED,
                Order.Status.CANCELED,
                Order.Status.NEEDS_REFUND,
            ],
        ).exists()

    @invariant()
    def an_order_paid_but_not_fulfilled_delivered_nothing_and_was_refunded(self):
        for order in Order.objects.filter(
            status__in=[Order.Status.NEEDS_REFUND, Order.Status.REFUNDED]
        ):
            if not order.paid_but_not_fulfilled:
                continue
            # The test gateway refunds at once, so none is left waiting for its refund.
            assert order.status == Order.Status.REFUNDED
            assert order.refunded_cents == order.total_cents
            assert not Enrollment.objects.filter(order=order).exists()
            assert not GiftCard.objects.filter(Q(order_line__order=order) | Q(order=order)).exists()
            kinds = GiftCardTransaction.Kind
            assert not GiftCardTransaction.objects.filter(
                order=order, kind__in=[kinds.REDEEM, kinds.RELEASE, kinds.REFUND_CREDIT]
            ).aggregate(net=Sum("amount_cents"))["net"]

    @invariant()
    def an_order_is_fulfilled_at_most_once(self):
        for order in Order.objects.prefetch_related("lines"):
            for line in order.lines.all():
                if line.is_gift_card:
                    assert GiftCard.objects.filter(order_line=line).count() <= line.quantity
            rewards = GiftCard.objects.filter(order=order, source=GiftCard.Source.PROMOTION)
            assert rewards.count() <= 1
        issues = GiftCardTransaction.objects.filter(kind=GiftCardTransaction.Kind.ISSUE)
        assert issues.values("card").distinct().count() == issues.count()

    @invariant()
    def membership_access_and_money_agree(self):
        """A membership gives access only on a fulfilled, unrefunded first order and a paid
        (or trial) period; at most one runs per customer and plan; a refunded first payment
        ended it; every paid invoice is money the store holds."""
        access = set(Membership.objects.giving_access().values_list("pk", flat=True))
        paid = set(
            MembershipInvoice.objects.filter(status=MembershipInvoice.Status.PAID).values_list(
                "membership_id", flat=True
            )
        )
        for membership in Membership.objects.select_related("order"):
            order = membership.order
            if order.status == Order.Status.REFUNDED:
                assert membership.status == Membership.Status.CANCELED
            if membership.pk in access:
                assert order.status in FULFILLED
                assert membership.status in Membership.RUNNING
                assert membership.pk in paid
        running = (
            Membership.objects.filter(status__in=Membership.RUNNING)
            .values("user", "plan")
            .annotate(count=Count("pk"))
        )
        assert all(row["count"] <= 1 for row in running)
        for invoice in MembershipInvoice.objects.select_related("membership__order"):
            if invoice.gateway_reference.startswith("order-"):
                assert invoice.amount_cents == invoice.membership.order.total_cents
            assert invoice.refunded_cents <= invoice.amount_cents
            if invoice.status != MembershipInvoice.Status.PAID:
                assert invoice.paid_at is None

    @invariant()
    def instalment_access_and_money_agree(self):
        """A plan gives access only after its first payment, counts at most N payments, and
        each paid one once; paid in full means N paid; an ended plan's access is gone; a
        refunded order ended its plan; no instalment is refunded beyond what it took."""
        for plan in InstalmentPlan.objects.select_related("order"):
            paid = plan.payments.filter(status=InstalmentPayment.Status.PAID)
            assert plan.paid_count <= plan.instalment_count
            assert plan.paid_count <= paid.count()
            access = Enrollment.objects.filter(order=plan.order, revoked_at__isnull=True)
            if plan.status == InstalmentPlan.Status.COMPLETED:
                assert plan.paid_count == plan.instalment_count
                assert plan.total_cents >= plan.price_cents
            if plan.status in (InstalmentPlan.Status.CANCELED, InstalmentPlan.Status.INCOMPLETE):
                assert not access.exists(), plan
            if access.exists():
                assert plan.order.status in FULFILLED and plan.paid_count >= 1
            if plan.order.status == Order.Status.REFUNDED:
                assert plan.status in (
                    InstalmentPlan.Status.CANCELED,
                    InstalmentPlan.Status.INCOMPLETE,
                )
        for payment in InstalmentPayment.objects.all():
            assert payment.refunded_cents <= payment.amount_cents
            if payment.status != InstalmentPayment.Status.PAID:
                assert payment.paid_at is None

    @invariant()
    def a_membership_holds_no_credit_it_did_not_pay_for_and_a_refund_ends_it(self):
        """Credit a plan switched down leaves (for renewals) comes only from money paid for
        the membership and not refunded; an invoice refunded in full ended the membership."""
        for membership in Membership.objects.select_related("order").prefetch_related("invoices"):
            kept, refunded_in_full = 0, False
            for invoice in membership.invoices.all():
                if invoice.status != MembershipInvoice.Status.PAID:
                    continue
                refunded = invoice.refunded_cents
                if invoice.gateway_reference == f"order-{membership.order.number}":
                    refunded = max(refunded, membership.order.refunded_cents)
                kept += invoice.amount_cents - refunded
                refunded_in_full |= invoice.amount_cents > 0 and refunded >= invoice.amount_cents
            if membership.status in Membership.RUNNING:
                assert membership.credit_cents <= kept, (membership.credit_cents, kept)
            if refunded_in_full:
                assert membership.status == Membership.Status.CANCELED, membership

    @invariant()
    def no_payment_gives_back_more_than_it_took(self):
        """What the gateway gave back for a payment (an order's or a membership invoice's)
        is at most what it took, and for a membership's payments exactly what is recorded as
        refunded — whatever order the order's refunds and the invoice refunds came in."""
        given_back: dict[str, int] = {}
        for reference, cents in self.gateway_refunds.values():
            given_back[reference] = given_back.get(reference, 0) + cents
        memberships = set(Membership.objects.values_list("order_id", flat=True))
        for order in Order.objects.exclude(gateway_reference=""):
            back = given_back.get(order.gateway_reference, 0)
            assert back <= self.charged.get(order.pk, 0), (order, back)
            if order.pk in memberships:
                assert back == order.refunded_cents, (order, back)
        renewals = MembershipInvoice.objects.exclude(gateway_reference__startswith="order-")
        for invoice in renewals:
            back = given_back.get(invoice.gateway_reference, 0)
            took = invoice.amount_cents if invoice.status == MembershipInvoice.Status.PAID else 0
            assert back <= took and back == invoice.refunded_cents, (invoice, back)

    @invariant()
    def no_reward_card_pays_for_a_gift_card(self):
        assert not OrderGiftCard.objects.filter(
            card__source=GiftCard.Source.PROMOTION,
            order__status__in=FULFILLED,
            order__lines__is_gift_card=True,
        ).exists()

    @invariant()
    def customers_hold_no_more_value_than_they_paid_for_plus_what_the_store_intends(self):
        now = timezone.now()
        orders = {order.pk: order for order in Order.objects.all()}
        cash = sum(charged - orders[pk].refunded_cents for pk, charged in self.charged.items())
        # A payment the store never took (a zero-total order) took nothing.
        intended = sum(
            order.discount_cents for order in orders.values() if order.status in FULFILLED
        )
        intended += sum(
            min(asked, orders[pk].refunded_cents)
            for pk, asked in self.partial_refunds.items()
            if orders[pk].status == Order.Status.PARTIALLY_REFUNDED
        )
        for reward in GiftCard.objects.filter(source=GiftCard.Source.PROMOTION):
            order = orders.get(reward.order_id)
            if order is None or order.status not in FULFILLED:
                continue
            if reward.pending_until is not None and reward.pending_until > now:
                continue
            intended += reward.initial_cents if self._earned_by_real_money(order) else 0

        # Instalments after the first (the order's payment, in `charged`) are cash too.
        later = InstalmentPayment.objects.filter(status=InstalmentPayment.Status.PAID).exclude(
            gateway_reference__startswith="order-"
        )
        cash += sum(payment.amount_cents - payment.refunded_cents for payment in later)
        plans = {plan.order_id: plan for plan in InstalmentPlan.objects.all()}
        courses = Enrollment.objects.filter(revoked_at__isnull=True).select_related("course")
        held = 0
        for enrollment in courses:
            plan = plans.get(enrollment.order_id)
            if plan is not None and plan.status in InstalmentPlan.RUNNING:
                # Being paid: access on credit the store intends, worth what was paid so far.
                paid_so_far = sum(
                    p.amount_cents - p.refunded_cents
                    for p in plan.payments.filter(status=InstalmentPayment.Status.PAID)
                )
                held += min(enrollment.course.price_cents, paid_so_far)
            else:
                held += enrollment.course.price_cents
        held += (
            GiftCard.objects.filter(is_active=True)
            .filter(Q(pending_until__isnull=True) | Q(pending_until__lte=now))
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .aggregate(total=Sum("balance_cents"))["total"]
            or 0
        )
        assert cash + intended >= held, (cash, intended, held)

    def _earned_by_real_money(self, order):
        """The promotion intends a reward for an eligible course bought with money: cash or a
        bought card, never another reward."""
        eligible = set(self.world.promotion.eligible_courses.values_list("pk", flat=True))
        if not order.lines.filter(course__in=eligible).exists():
            return False
        real = order.total_cents + (
            order.gift_card_uses.exclude(card__source=GiftCard.Source.PROMOTION).aggregate(
                total=Sum("amount_cents")
            )["total"]
            or 0
        )
        return real >= self.world.promotion.minimum_order_cents


def test_no_sequence_of_customer_actions_gets_value_out_that_was_not_paid_for(
    course_index, monkeypatch
):
    StoreMachine.world = World(course_index)
    refund_payment = TestGateway.refund_payment

    def recorded(gateway, *, reference, amount_cents, idempotency_key):
        # A provider makes one refund per idempotency key: a repeat gives nothing more.
        StoreMachine.gateway_refunds.setdefault(idempotency_key, (reference, amount_cents))
        return refund_payment(
            gateway, reference=reference, amount_cents=amount_cents, idempotency_key=idempotency_key
        )

    monkeypatch.setattr(TestGateway, "refund_payment", recorded)
    run_state_machine_as_test(
        StoreMachine,
        settings=settings(
            settings.default,
            # A quarter of the profile's examples: each is a 40-step store run (ci: 25 runs,
            # 1,000 steps per commit; thorough: 500 runs, 20,000 steps).
            max_examples=max(10, settings.default.max_examples // 4),
            deadline=None,
            stateful_step_count=40,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
