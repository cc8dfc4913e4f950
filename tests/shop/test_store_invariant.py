"""The store's invariant, tried by a stateful property test over every customer action.

No sequence of customer actions — in any order, repeated, with late payments, declines,
cancellations, abandoned orders and full or partial refunds — ends with customers holding
more value than they paid for plus what the store intends to give:

    cash kept by the store  +  coupon discounts  +  partial refunds the shop granted
        +  promotion rewards earned by real money and past their refund window
    ≥  list price of every active enrollment  +  every spendable gift-card balance

A course bought in instalments counts, while its plan is being paid, only what has been
paid of it (the rest is credit the store extends on purpose); once paid in full, its list
price; an ended plan's access must be gone.

Beside it, after every step: no balance below zero, each card's balance equals its ledger,
coupon uses within their limits, an order fulfilled at most once, and no reward card ever
paid for a gift card. Example counts come from the Hypothesis profile (tests/conftest.py).
"""

import contextlib
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import F, Q, Sum
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, settings
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
from tests.courses.factories import CoursePageFactory
from tests.factories import UserFactory
from tests.shop.factories import (
    GiftCardDenominationFactory,
    MembershipPlanFactory,
    PromotionFactory,
)

pytestmark = pytest.mark.django_db

FULFILLED = [Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED]


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

    def __init__(self):
        super().__init__()
        # Each example runs in a savepoint rolled back at its end, on the world built once.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.gateway = get_gateway()
        self.order_ids: list[int] = []
        self.charged: dict[int, int] = {}  # order id → what its successful payment took
        self.partial_refunds: dict[int, int] = {}  # order id → partial refunds asked for

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
        then=st.sampled_from(["stay", "checkout", "pay"]),
    )
    def subscribe(self, who, which, coupon, then):
        """A membership in the cart (maybe beside a course, which checkout refuses), maybe a
        coupon, maybe straight on to checkout and payment — twice, concurrently, late."""
        user, cart = self.world.users[who], self._cart(who)
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
        ids = list(Membership.objects.order_by("-pk").values_list("pk", flat=True))
        membership = Membership.objects.get(pk=ids[index % len(ids)])
        membership_demo_renew(membership=membership, approve=approve)

    @precondition(lambda self: Membership.objects.exists())
    @rule(index=st.integers(0, 3), cancel=st.booleans())
    def cancel_at_period_end(self, index, cancel):
        ids = list(Membership.objects.order_by("-pk").values_list("pk", flat=True))
        membership = Membership.objects.get(pk=ids[index % len(ids)])
        with contextlib.suppress(ShopError):
            membership_set_cancel_at_period_end(membership=membership, cancel=cancel)

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
        for membership in Membership.objects.select_related("order"):
            order = membership.order
            if order.status == Order.Status.REFUNDED:
                assert membership.status == Membership.Status.CANCELED
            if membership.gives_access():
                assert order.status in FULFILLED
                assert membership.status in Membership.RUNNING
                paid = membership.invoices.filter(status=MembershipInvoice.Status.PAID)
                assert paid.exists()
            running = Membership.objects.filter(
                user=membership.user, plan=membership.plan, status__in=Membership.RUNNING
            )
            assert running.count() <= 1
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


def test_no_sequence_of_customer_actions_gets_value_out_that_was_not_paid_for(course_index):
    StoreMachine.world = World(course_index)
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
