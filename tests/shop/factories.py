"""Gift card, promotion and order test data."""

from datetime import timedelta

import factory
from django.utils import timezone

from shop.models import (
    GiftCard,
    GiftCardDenomination,
    MembershipPlan,
    Order,
    OrderLine,
    Promotion,
)
from shop.payments.base import PaymentState
from shop.payments.local import TestGateway
from shop.services import (
    cart_add_course,
    cart_add_gift_card,
    cart_add_plan,
    cart_apply_coupon,
    cart_apply_gift_card,
    cart_choose_instalments,
    cart_get_or_create,
    checkout_start,
    gift_card_issue,
    order_apply_payment,
)


class GiftCardDenominationFactory(factory.django.DjangoModelFactory):
    amount_cents = 5000

    class Meta:
        model = GiftCardDenomination
        django_get_or_create = ["amount_cents"]


class PromotionFactory(factory.django.DjangoModelFactory):
    """A running promotion; pass `eligible_courses=[...]`."""

    name = "Give the Gift of Coachhouse"
    banner_text = "Give the Gift of Coachhouse — $100 Gift Card with Select Purchases"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    reward_cents = 10000

    class Meta:
        model = Promotion
        skip_postgeneration_save = True

    @factory.post_generation
    def eligible_courses(self, create, extracted, **kwargs):
        if create and extracted:
            self.eligible_courses.set(extracted)


def issue_card(amount_cents: int = 10000, **kwargs) -> GiftCard:
    """A manually issued card, through the service so its ledger starts right."""
    return gift_card_issue(amount_cents=amount_cents, source=GiftCard.Source.MANUAL, **kwargs)


class MembershipPlanFactory(factory.django.DjangoModelFactory):
    """A monthly $29 plan granting the courses given (`courses=[…]`), no trial."""

    name = factory.Sequence(lambda n: f"Plan {n}")
    interval = MembershipPlan.Interval.MONTH
    price_cents = 2900

    class Meta:
        model = MembershipPlan
        skip_postgeneration_save = True

    @factory.post_generation
    def courses(self, create, extracted, **kwargs):
        if create and extracted:
            self.courses.set(extracted)


def subscribe_and_pay(user, plan, *, coupon_code: str = "", approve: bool = True) -> Order:
    """Check out a cart holding `plan` (with a coupon) on the test gateway, and pay or
    decline its first payment: the order as the customer's checkout leaves it."""
    cart = cart_get_or_create(user=user, token=None)
    cart_add_plan(cart=cart, plan=plan, user=user)
    if coupon_code:
        cart_apply_coupon(cart=cart, code=coupon_code, user=user)
    order, payment = checkout_start(cart=cart, user=user, gateway=TestGateway())
    if payment is not None:
        order_apply_payment(
            order=order,
            payment=TestGateway().settle_test_payment(
                reference=order.gateway_reference, amount_cents=order.total_cents, approve=approve
            ),
        )
    order.refresh_from_db()
    return order


def bare_order(user=None, **fields) -> Order:
    """A pending $1 order made directly (no cart, no lines), for services that take an order."""
    return Order.objects.create(
        user=user,
        email=user.email if user else "a@example.com",
        **{
            "subtotal_cents": 100,
            "total_cents": 100,
            "currency": "USD",
            "gateway": "test",
            **fields,
        },
    )


def buy_and_pay(
    user,
    *,
    courses=(),
    gift_card_cents=0,
    gift_card_quantity=1,
    recipient="friend@example.com",
    cards=(),
):
    """Check out a cart of these courses / a gift card, paying with `cards`, and pay the rest
    through the test gateway: the order as a paid checkout leaves it."""
    cart = cart_get_or_create(user=user, token=None)
    for course in courses:
        cart_add_course(cart=cart, course=course, user=user)
    if gift_card_cents:
        cart_add_gift_card(
            cart=cart,
            denomination_id=GiftCardDenominationFactory(amount_cents=gift_card_cents).pk,
            quantity=gift_card_quantity,
            recipient_name="Friend",
            recipient_email=recipient,
        )
    for card in cards:
        cart_apply_gift_card(cart=cart, code=card.code, user=user)
    order, payment = checkout_start(cart=cart, user=user, gateway=TestGateway())
    if payment is not None:
        order_apply_payment(
            order=order,
            payment=PaymentState(
                reference=order.gateway_reference,
                status="succeeded",
                amount_cents=order.total_cents,
                order_number=order.number,
            ),
        )
    order.refresh_from_db()
    return order


class OrderFactory(factory.django.DjangoModelFactory):
    """An order as the shop leaves it after payment (status paid, `paid_at` now by default).

    Give `subtotal_cents`, `discount_cents` and `gift_card_cents`: the total follows (the
    database checks it). Lines are added with OrderLineFactory(order=…).
    """

    email = factory.Sequence(lambda n: f"buyer{n}@example.com")
    subtotal_cents = 10000
    discount_cents = 0
    gift_card_cents = 0
    total_cents = factory.LazyAttribute(
        lambda o: o.subtotal_cents - o.discount_cents - o.gift_card_cents
    )
    currency = "USD"
    gateway = "test"
    status = Order.Status.PAID
    paid_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Order


class OrderLineFactory(factory.django.DjangoModelFactory):
    order = factory.SubFactory(OrderFactory)
    title = factory.Sequence(lambda n: f"Course {n}")
    unit_price_cents = 10000
    quantity = 1

    class Meta:
        model = OrderLine


def stripe_membership_order(user, *, subscription: str, payment: str) -> Order:
    """A pending Stripe order for a $29.00 monthly membership, its subscription and first
    payment named `subscription` and `payment`: as checkout leaves it, before any event."""
    order = OrderFactory(
        user=user,
        email=user.email,
        subtotal_cents=2900,
        status=Order.Status.PENDING,
        paid_at=None,
        gateway="stripe",
        gateway_reference=payment,
        gateway_subscription=subscription,
    )
    OrderLineFactory(
        order=order,
        plan=MembershipPlanFactory(name="Monthly", price_cents=2900),
        title="Monthly membership",
        unit_price_cents=2900,
        plan_price_cents=2900,
        recurring_cents=2900,
    )
    return order


def buy_in_instalments(user, course, *, coupon_code: str = "", approve: bool = True) -> Order:
    """Check out `course` in its monthly instalments (maybe with a coupon) on the test
    gateway, and pay or decline the first: the order as the customer's checkout leaves it."""
    cart = cart_get_or_create(user=user, token=None)
    cart_choose_instalments(cart=cart, course=course, user=user)
    if coupon_code:
        cart_apply_coupon(cart=cart, code=coupon_code, user=user)
    order, payment = checkout_start(cart=cart, user=user, gateway=TestGateway())
    if payment is not None:
        order_apply_payment(
            order=order,
            payment=TestGateway().settle_test_payment(
                reference=order.gateway_reference, amount_cents=order.total_cents, approve=approve
            ),
        )
    order.refresh_from_db()
    return order
