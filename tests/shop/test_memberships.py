"""Memberships on the test gateway: plans in the cart, subscribing, the price it was sold
at, coupons for the first payment or every one, access to the plan's courses, the demo
clock (renew / fail), dunning and grace, cancel at period end, and subscribing twice."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model

from courses.selectors import lesson_is_open_to
from shop.exceptions import MembershipCheckedOutAlone, MembershipNotBillable
from shop.models import CartPlanLine, Coupon, Membership, MembershipInvoice, Order, add_interval
from shop.payments.local import TestGateway
from shop.services import (
    cart_add_course,
    cart_add_plan,
    cart_get_or_create,
    checkout_start,
    membership_demo_renew,
    membership_set_cancel_at_period_end,
    memberships_send_ending_notices,
    order_apply_payment,
    order_refund,
)
from tests.shop.factories import MembershipPlanFactory, subscribe_and_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(course):
    return MembershipPlanFactory(name="Monthly", price_cents=2900, courses=[course])


def _at(moment):
    return mock.patch.object(timezone, "now", return_value=moment)


def test_a_paid_subscription_starts_an_active_membership_with_its_first_invoice(user, plan):
    order = subscribe_and_pay(user, plan)
    membership = Membership.objects.get()
    assert order.status == Order.Status.PAID and order.total_cents == 2900
    assert membership.status == Membership.Status.ACTIVE
    assert membership.price_cents == 2900 and membership.renewal_cents == 2900
    assert membership.current_period_end == add_interval(membership.started_at, "month")
    invoice = membership.invoices.get()
    assert (invoice.amount_cents, invoice.status) == (2900, MembershipInvoice.Status.PAID)
    assert not CartPlanLine.objects.exists()


def test_a_declined_first_payment_starts_no_membership(user, plan):
    order = subscribe_and_pay(user, plan, approve=False)
    assert order.status == Order.Status.FAILED
    assert not Membership.objects.exists()
    assert CartPlanLine.objects.filter(plan=plan).exists()


def test_a_members_plan_opens_its_courses_lessons_and_their_documents(user, plan, paid_lesson):
    assert not lesson_is_open_to(user=user, lesson=paid_lesson)
    subscribe_and_pay(user, plan)
    assert lesson_is_open_to(user=user, lesson=paid_lesson)


def test_a_plan_of_other_courses_opens_nothing_here(user, second_course, paid_lesson):
    subscribe_and_pay(user, MembershipPlanFactory(courses=[second_course]))
    assert not lesson_is_open_to(user=user, lesson=paid_lesson)


def test_an_all_courses_plan_opens_every_course(user, paid_lesson):
    subscribe_and_pay(user, MembershipPlanFactory(grants_all_courses=True))
    assert lesson_is_open_to(user=user, lesson=paid_lesson)


def test_a_members_lesson_page_and_its_documents_open_and_close_with_the_membership(
    client, user, plan, paid_lesson
):
    document = get_document_model()(title="Worksheet")
    document.file.save("worksheet.txt", ContentFile(b"drill log"))
    paid_lesson.resources = [("document", document)]
    paid_lesson.save_revision().publish()
    client.force_login(user)
    assert client.get(document.url).status_code == 403
    assert client.get(paid_lesson.url).status_code == 302
    subscribe_and_pay(user, plan)
    assert client.get(document.url).status_code == 200
    assert client.get(paid_lesson.url).status_code == 200
    Membership.objects.update(status=Membership.Status.CANCELED)
    assert client.get(document.url).status_code == 403
    assert client.get(paid_lesson.url).status_code == 302


def test_a_price_change_applies_to_new_subscriptions_only(user, other_user, plan):
    subscribe_and_pay(user, plan)
    plan.price_cents = 3900
    plan.save()
    subscribe_and_pay(other_user, plan)
    first, second = Membership.objects.order_by("pk")
    assert (first.renewal_cents, second.renewal_cents) == (2900, 3900)
    membership_demo_renew(membership=first, approve=True)
    assert first.invoices.order_by("-pk").first().amount_cents == 2900


def test_a_first_payment_coupon_discounts_only_the_first_payment(user, plan):
    Coupon.objects.create(code="HALF", percent_off=50, duration=Coupon.Duration.ONCE)
    order = subscribe_and_pay(user, plan, coupon_code="half")
    membership = Membership.objects.get()
    assert order.total_cents == 1450 and order.discount_cents == 1450
    assert membership.renewal_cents == 2900
    membership_demo_renew(membership=membership, approve=True)
    assert membership.invoices.order_by("-pk").first().amount_cents == 2900


def test_a_forever_coupon_discounts_every_renewal(user, plan):
    Coupon.objects.create(
        code="LOYAL", kind=Coupon.Kind.FIXED, amount_off_cents=900, duration="forever"
    )
    order = subscribe_and_pay(user, plan, coupon_code="LOYAL")
    membership = Membership.objects.get()
    assert order.total_cents == 2000 and membership.renewal_cents == 2000
    membership_demo_renew(membership=membership, approve=True)
    assert membership.invoices.order_by("-pk").first().amount_cents == 2000


def test_a_free_trial_charges_nothing_today_and_trials_until_it_ends(user, course):
    plan = MembershipPlanFactory(trial_days=14, courses=[course])
    order = subscribe_and_pay(user, plan)
    membership = Membership.objects.get()
    assert order.total_cents == 0 and order.status == Order.Status.PAID
    assert membership.status == Membership.Status.TRIALING
    assert membership.current_period_end == membership.started_at + timedelta(days=14)
    assert membership.renewal_cents == plan.price_cents
    membership_demo_renew(membership=membership, approve=True)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE


def test_a_membership_is_checked_out_on_its_own(user, plan, second_course):
    cart = cart_get_or_create(user=user, token=None)
    cart_add_plan(cart=cart, plan=plan, user=user)
    cart_add_course(cart=cart, course=second_course, user=user)
    with pytest.raises(MembershipCheckedOutAlone):
        checkout_start(cart=cart, user=user, gateway=TestGateway())
    assert not Order.objects.exists()


def test_subscribing_twice_to_a_plan_is_refused_with_a_message(client, user, plan):
    subscribe_and_pay(user, plan)
    client.force_login(user)
    response = client.post(reverse("shop:cart_add_plan"), {"plan": plan.pk}, follow=True)
    assert "already a member" in response.content.decode()
    assert not CartPlanLine.objects.exists()
    assert Membership.objects.count() == 1


def test_a_second_order_for_a_held_plan_paid_anyway_is_refunded_not_fulfilled(
    user, plan, django_capture_on_commit_callbacks
):
    cart = cart_get_or_create(user=user, token=None)
    cart_add_plan(cart=cart, plan=plan, user=user)
    first, _ = checkout_start(cart=cart, user=user, gateway=TestGateway())
    # A second, concurrent checkout placed the same plan before the first was paid.
    second = Order.objects.get(pk=first.pk)
    second.pk, second.number = None, "CH-SECOND2"
    second.save()
    fields = ("plan", "title", "unit_price_cents", "plan_price_cents", "recurring_cents")
    second.lines.create(**{name: getattr(first.lines.get(), name) for name in fields})
    gateway = TestGateway()
    for order in (first, second):
        with django_capture_on_commit_callbacks(execute=True):
            order_apply_payment(
                order=order,
                payment=gateway.settle_test_payment(
                    reference=f"test_{order.number}", amount_cents=order.total_cents, approve=True
                ),
            )
    assert Membership.objects.count() == 1
    second.refresh_from_db()
    assert second.status == Order.Status.REFUNDED and second.paid_but_not_fulfilled


def test_the_running_membership_is_unique_per_user_and_plan_in_the_database(user, plan):
    subscribe_and_pay(user, plan)
    membership = Membership.objects.get()
    membership.pk = None
    with pytest.raises(IntegrityError):
        membership.save()


def test_a_failed_renewal_keeps_access_for_the_grace_period_and_emails_once(
    user, plan, paid_lesson, settings, django_capture_on_commit_callbacks
):
    settings.MEMBERSHIP_GRACE_DAYS = 7
    subscribe_and_pay(user, plan)
    membership = Membership.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert membership_demo_renew(membership=membership, approve=False) == "failed"
        assert membership_demo_renew(membership=membership, approve=False) == "recorded"
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PAST_DUE
    assert [m.subject for m in mail.outbox] == [
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Your Monthly membership payment failed"
    ]
    assert lesson_is_open_to(user=user, lesson=paid_lesson)
    with _at(membership.grace_ends_at - timedelta(seconds=1)):
        assert lesson_is_open_to(user=user, lesson=paid_lesson)
    with _at(membership.grace_ends_at + timedelta(seconds=1)):
        assert not lesson_is_open_to(user=user, lesson=paid_lesson)


def test_paying_the_failed_renewal_restores_the_membership(user, plan):
    subscribe_and_pay(user, plan)
    membership = Membership.objects.get()
    first_end = membership.current_period_end
    membership_demo_renew(membership=membership, approve=False)
    assert membership_demo_renew(membership=membership, approve=True) == "paid"
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE and membership.grace_ends_at is None
    assert membership.current_period_end == add_interval(first_end, "month")
    statuses = list(membership.invoices.order_by("pk").values_list("status", flat=True))
    assert statuses == ["paid", "failed", "paid"]


def test_the_access_ending_notice_goes_once_shortly_before_grace_ends(user, plan):
    subscribe_and_pay(user, plan)
    membership = Membership.objects.get()
    membership_demo_renew(membership=membership, approve=False)
    membership.refresh_from_db()
    mail.outbox.clear()
    assert memberships_send_ending_notices() == 0
    with _at(membership.grace_ends_at - timedelta(days=1)):
        assert memberships_send_ending_notices() == 1
        assert memberships_send_ending_notices() == 0
    assert len(mail.outbox) == 1 and "ends soon" in mail.outbox[0].subject


def test_a_renewal_that_never_arrives_ends_access_after_the_grace_period(
    user, plan, paid_lesson, settings
):
    subscribe_and_pay(user, plan)
    end = Membership.objects.get().current_period_end
    with _at(end + timedelta(days=settings.MEMBERSHIP_GRACE_DAYS - 1)):
        assert lesson_is_open_to(user=user, lesson=paid_lesson)
    with _at(end + timedelta(days=settings.MEMBERSHIP_GRACE_DAYS, seconds=1)):
        assert not lesson_is_open_to(user=user, lesson=paid_lesson)


def test_cancel_at_period_end_keeps_access_until_then_and_can_be_undone(
    client, user, plan, paid_lesson
):
    subscribe_and_pay(user, plan)
    membership = Membership.objects.get()
    client.force_login(user)
    response = client.post(
        reverse("shop:membership_account"),
        {"membership": membership.pk, "action": "cancel"},
        follow=True,
    )
    assert "will end at the close" in response.content.decode()
    membership.refresh_from_db()
    assert membership.cancel_at_period_end
    with _at(membership.current_period_end - timedelta(seconds=1)):
        assert lesson_is_open_to(user=user, lesson=paid_lesson)
    with _at(membership.current_period_end + timedelta(seconds=1)):
        assert not lesson_is_open_to(user=user, lesson=paid_lesson)
    membership_set_cancel_at_period_end(membership=membership, cancel=False)
    membership.refresh_from_db()
    assert not membership.cancel_at_period_end
    membership_set_cancel_at_period_end(membership=membership, cancel=True)
    assert membership_demo_renew(membership=membership, approve=True) == "canceled"
    membership.refresh_from_db()
    assert membership.status == Membership.Status.CANCELED
    assert not lesson_is_open_to(user=user, lesson=paid_lesson)


def test_another_users_membership_cannot_be_changed(client, user, other_user, plan):
    subscribe_and_pay(other_user, plan)
    membership = Membership.objects.get()
    client.force_login(user)
    response = client.post(
        reverse("shop:membership_account"),
        {"membership": membership.pk, "action": "cancel"},
        follow=True,
    )
    assert "not yours" in response.content.decode()
    membership.refresh_from_db()
    assert not membership.cancel_at_period_end


@pytest.mark.parametrize("data", [{}, {"plan": "x"}, {"plan": 2**40}, {"plan": 999999}])
def test_a_bad_plan_choice_gets_a_message_and_changes_nothing(client, data):
    response = client.post(reverse("shop:cart_add_plan"), data, follow=True)
    assert response.status_code == 200
    assert "does not exist" in response.content.decode()
    assert not CartPlanLine.objects.exists()


def test_the_plans_page_to_paid_membership_through_cart_and_test_payment(
    client, user, plan, django_capture_on_commit_callbacks
):
    page = client.get(reverse("shop:membership_plans")).content.decode()
    assert "Monthly" in page and "$29.00" in page
    client.post(reverse("shop:cart_add_plan"), {"plan": plan.pk})
    assert client.get(reverse("shop:cart_summary")).json()["count"] == 1
    client.force_login(user)  # the anonymous cart merges into the user's on login
    cart = cart_get_or_create(user=user, token=None)
    cart_add_plan(cart=cart, plan=plan, user=user)
    checkout = client.get(reverse("shop:checkout")).content.decode()
    assert "Monthly membership" in checkout and "Pay $29.00" in checkout
    response = client.post(reverse("shop:checkout"))
    order = Order.objects.get()
    assert response["Location"] == reverse("shop:test_payment", args=[order.number])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], {"action": "pay"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("shop:membership_account")
    page = response.content.decode()
    assert "Active" in page and "Next charge" in page and "$29.00" in page
    assert Membership.objects.get().user == user


def test_a_full_refund_of_the_first_payment_ends_the_membership_and_its_access(
    user, plan, paid_lesson, django_capture_on_commit_callbacks
):
    order = subscribe_and_pay(user, plan)
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=order, amount_cents=None, reason="requested", gateway=TestGateway())
    membership = Membership.objects.get()
    assert membership.status == Membership.Status.CANCELED
    assert membership.invoices.get().refunded_cents == 2900
    assert not lesson_is_open_to(user=user, lesson=paid_lesson)


def test_a_gateway_that_cannot_bill_renewals_refuses_a_membership_before_any_order(user, plan):
    # Neither a subscription at the provider nor the test gateway's local renewals.
    gateway = TestGateway()
    gateway.offers_test_payment_page = False
    cart = cart_get_or_create(user=user, token=None)
    cart_add_plan(cart=cart, plan=plan, user=user)
    with pytest.raises(MembershipNotBillable):
        checkout_start(cart=cart, user=user, gateway=gateway)
    assert not Order.objects.exists()


def test_logging_in_keeps_the_membership_put_in_the_cart_before(client, user, plan):
    client.post(reverse("shop:cart_add_plan"), {"plan": plan.pk})
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert CartPlanLine.objects.get().cart.user == user
