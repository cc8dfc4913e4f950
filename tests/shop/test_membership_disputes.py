"""A payment dispute (chargeback) on a membership's order suspends the membership's access;
winning it restores access, losing it (a full refund) ends the membership (issue 19)."""

import pytest

from courses.selectors import lesson_is_open_to
from shop.models import Membership, Order
from shop.selectors import user_is_member
from shop.services import order_dispute_close, order_dispute_open
from tests.shop.factories import MembershipPlanFactory, subscribe_and_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(course):
    return MembershipPlanFactory(name="Monthly", price_cents=2900, courses=[course])


def test_an_open_dispute_on_the_membership_order_suspends_its_access(user, plan, paid_lesson):
    order = subscribe_and_pay(user, plan)
    assert lesson_is_open_to(user=user, lesson=paid_lesson)
    assert order_dispute_open(order=order)
    assert not order_dispute_open(order=order)  # a repeat changes nothing
    membership = Membership.objects.get()
    assert membership.status == Membership.Status.ACTIVE  # suspended, not ended
    assert not membership.gives_access()
    assert not lesson_is_open_to(user=user, lesson=paid_lesson)
    assert not user_is_member(user=user)


def test_a_won_dispute_restores_the_membership_access(user, plan, paid_lesson):
    order = subscribe_and_pay(user, plan)
    order_dispute_open(order=order)
    assert order_dispute_close(order=order, lost=False)
    order.refresh_from_db()
    assert (order.status, order.dispute_status) == (Order.Status.PAID, Order.DisputeStatus.WON)
    assert Membership.objects.get().gives_access()
    assert lesson_is_open_to(user=user, lesson=paid_lesson)
    assert user_is_member(user=user)


def test_a_lost_dispute_ends_the_membership(user, plan, paid_lesson):
    order = subscribe_and_pay(user, plan)
    order_dispute_open(order=order)
    assert order_dispute_close(order=order, lost=True)
    membership = Membership.objects.get()
    assert membership.status == Membership.Status.CANCELED
    assert membership.invoices.get().refunded_cents == 2900
    assert not lesson_is_open_to(user=user, lesson=paid_lesson)
    assert not user_is_member(user=user)


def test_a_dispute_on_another_order_leaves_the_membership_access_alone(
    user, plan, course, paid_lesson
):
    subscribe_and_pay(user, plan)
    other = subscribe_and_pay(user, MembershipPlanFactory(name="Yearly", price_cents=29000))
    order_dispute_open(order=other)
    first, second = Membership.objects.order_by("pk")
    assert first.gives_access() and not second.gives_access()
    assert lesson_is_open_to(user=user, lesson=paid_lesson)


def test_a_membership_without_an_order_still_gives_access(user, plan):
    subscribe_and_pay(user, plan)
    Membership.objects.update(order=None)
    assert Membership.objects.get().gives_access()
