"""Payment plans on the test gateway: a course bought in N monthly instalments — the editor's
plan, the cart's choice, coupons refused, access from the first payment, N payments then
stop, each payment counted once, failure → grace → revoke, refunds, price changes, My
account and the demo clock."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from courses.selectors import lesson_is_open_to
from shop.exceptions import (
    CouponNotForInstalments,
    InstalmentsCheckedOutAlone,
    InstalmentsNotBillable,
    InstalmentsNotChangeable,
    InstalmentsNotOffered,
)
from shop.models import (
    CartLine,
    Coupon,
    GiftCard,
    InstalmentPayment,
    InstalmentPlan,
    Order,
    add_interval,
)
from shop.payments.base import InvoiceState, PaymentGateway
from shop.payments.local import TestGateway
from shop.selectors import cart_summary, cart_totals
from shop.services import (
    cart_add_course,
    cart_apply_coupon,
    cart_choose_instalments,
    cart_get_or_create,
    checkout_start,
    instalment_apply_invoice,
    instalment_plan_demo_charge,
    instalment_plans_end_overdue,
    instalment_plans_send_ending_notices,
    order_place,
    order_refund,
)
from tests.shop.factories import PromotionFactory, buy_in_instalments

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(course):
    """The $149 course, also sold in 3 monthly instalments of $55."""
    course.instalment_count, course.instalment_cents = 3, 5500
    course.save_revision().publish()
    course.refresh_from_db()
    return course


def _plan() -> InstalmentPlan:
    return InstalmentPlan.objects.get()


def _invoice(plan, reference, status="paid", *, number=2, amount=5500):
    return InvoiceState(
        reference=reference,
        subscription="",
        customer="",
        status=status,
        amount_cents=amount,
        period_start=plan.due_at(number),
        period_end=plan.due_at(number + 1),
        paid_at=timezone.now() if status == "paid" else None,
    )


def _is_enrolled(user, course) -> bool:
    return Enrollment.objects.filter(user=user, course=course, revoked_at__isnull=True).exists()


# The editor's plan -------------------------------------------------------------------


def test_a_plan_whose_instalments_do_not_cover_the_price_is_refused(course):
    course.instalment_count, course.instalment_cents = 3, 4900
    with pytest.raises(ValidationError) as raised:
        course.full_clean()
    assert "instalment_cents" in raised.value.message_dict


def test_a_plan_of_exactly_the_price_or_more_is_allowed(course):
    course.price_cents, course.instalment_count, course.instalment_cents = 15000, 3, 5000
    course.full_clean()
    course.instalment_cents = 5500
    course.full_clean()


@pytest.mark.parametrize("count", [1, 13])
def test_a_plan_of_fewer_than_2_or_more_than_12_instalments_is_refused(course, count):
    course.instalment_count, course.instalment_cents = count, 20000
    with pytest.raises(ValidationError) as raised:
        course.full_clean()
    assert "instalment_count" in raised.value.message_dict


@pytest.mark.parametrize(("count", "cents"), [(3, None), (None, 5500)])
def test_a_plan_needs_both_the_number_and_the_amount(course, count, cents):
    course.instalment_count, course.instalment_cents = count, cents
    with pytest.raises(ValidationError):
        course.full_clean()


def test_the_course_page_offers_the_plan_beside_the_price(client, course):
    page = client.get(course.url).content.decode()
    assert "or 3 × $55.00" in page
    assert "Pay in 3 × $55.00" in page


def test_a_course_without_a_plan_offers_none(client, second_course):
    page = client.get(second_course.url).content.decode()
    assert "Pay in" not in page and "data-instalments" not in page


# The cart ----------------------------------------------------------------------------


def test_the_cart_records_the_choice_and_charges_the_first_instalment_today(user, course):
    cart = cart_get_or_create(user=user, token=None)
    cart_choose_instalments(cart=cart, course=course, user=user)
    totals = cart_totals(cart=cart, user=user)
    assert CartLine.objects.get().in_instalments
    assert totals.instalment_course == course
    assert (totals.subtotal_cents, totals.total_cents) == (5500, 5500)
    assert cart_summary(cart=cart).subtotal_cents == 5500


def test_choosing_to_pay_in_full_again_charges_the_price(user, course):
    cart = cart_get_or_create(user=user, token=None)
    cart_choose_instalments(cart=cart, course=course, user=user)
    cart_choose_instalments(cart=cart, course=course, user=user, in_instalments=False)
    totals = cart_totals(cart=cart, user=user)
    assert totals.instalment_course is None and totals.total_cents == 14900


def test_a_course_without_a_plan_cannot_be_put_in_the_cart_in_instalments(user, second_course):
    cart = cart_get_or_create(user=user, token=None)
    with pytest.raises(InstalmentsNotOffered):
        cart_choose_instalments(cart=cart, course=second_course, user=user)
    assert not CartLine.objects.exists()


def test_the_cart_page_button_chooses_the_plan_and_says_so(client, user, course):
    client.force_login(user)
    response = client.post(
        reverse("shop:cart_instalments"), {"course": course.pk, "pay": "instalments"}, follow=True
    )
    page = response.content.decode()
    assert "paid in 3 monthly instalments" in page
    assert "data-instalment-line" in page and "Pay $149.00 in full instead" in page


def test_bad_input_to_the_instalments_button_is_a_message_not_an_error(client, user, course):
    client.force_login(user)
    response = client.post(reverse("shop:cart_instalments"), {"course": "x"}, follow=True)
    assert response.status_code == 200
    assert "That course does not exist." in response.content.decode()
    assert not CartLine.objects.exists()


def test_a_coupon_is_refused_on_a_payment_plan_and_nothing_is_placed(user, course):
    Coupon.objects.create(code="TEN", kind=Coupon.Kind.PERCENT, percent_off=10)
    cart = cart_get_or_create(user=user, token=None)
    cart_choose_instalments(cart=cart, course=course, user=user)
    cart_apply_coupon(cart=cart, code="ten", user=user)
    totals = cart_totals(cart=cart, user=user)
    assert isinstance(totals.coupon_error, CouponNotForInstalments)
    assert "cannot be used with a payment plan" in str(totals.coupon_error)
    assert totals.discount_cents == 0
    with pytest.raises(CouponNotForInstalments):
        order_place(cart=cart, user=user)
    assert not Order.objects.exists()


def test_a_payment_plan_is_checked_out_on_its_own(user, course, second_course):
    cart = cart_get_or_create(user=user, token=None)
    cart_choose_instalments(cart=cart, course=course, user=user)
    cart_add_course(cart=cart, course=second_course, user=user)
    with pytest.raises(InstalmentsCheckedOutAlone):
        order_place(cart=cart, user=user)
    assert not Order.objects.exists()


def test_a_plan_withdrawn_after_it_was_chosen_is_refused_at_checkout(user, course):
    cart = cart_get_or_create(user=user, token=None)
    cart_choose_instalments(cart=cart, course=course, user=user)
    course.instalment_count = course.instalment_cents = None
    course.save_revision().publish()
    with pytest.raises(InstalmentsNotOffered):
        order_place(cart=cart, user=user)
    assert not Order.objects.exists()


def test_a_gateway_that_cannot_bill_refuses_a_plan_and_places_nothing(user, course):
    class OneOffGateway(PaymentGateway):
        name = "one-off"
        payment_url_name = "shop:cart"
        create_payment = retrieve_payment = cancel_payment = refund_payment = None

    cart = cart_get_or_create(user=user, token=None)
    cart_choose_instalments(cart=cart, course=course, user=user)
    with pytest.raises(InstalmentsNotBillable):
        checkout_start(cart=cart, user=user, gateway=OneOffGateway())
    assert not Order.objects.exists()


# The first payment and access ------------------------------------------------------------


def test_the_first_payment_grants_access_and_starts_the_plan(user, course, paid_lesson):
    order = buy_in_instalments(user, course)
    plan = _plan()
    assert order.status == Order.Status.PAID and order.total_cents == 5500
    assert lesson_is_open_to(user=user, lesson=paid_lesson)
    assert plan.status == InstalmentPlan.Status.ACTIVE and plan.paid_count == 1
    assert (plan.instalment_count, plan.instalment_cents, plan.price_cents) == (3, 5500, 14900)
    assert plan.next_charge_at == add_interval(plan.started_at, "month")
    assert plan.payments.get().gateway_reference == f"order-{order.number}"
    line = order.lines.get()
    assert (line.instalment_count, line.instalment_cents, line.unit_price_cents) == (3, 5500, 5500)


def test_a_declined_first_payment_grants_nothing(user, course):
    order = buy_in_instalments(user, course, approve=False)
    assert order.status == Order.Status.FAILED
    assert not _is_enrolled(user, course)
    assert not InstalmentPlan.objects.exclude(status=InstalmentPlan.Status.INCOMPLETE).exists()


def test_a_payment_plan_earns_no_promotion_reward(user, course):
    PromotionFactory(eligible_courses=[course], reward_cents=10000, minimum_order_cents=1000)
    buy_in_instalments(user, course)
    assert not GiftCard.objects.filter(source=GiftCard.Source.PROMOTION).exists()


# N payments, then stop ---------------------------------------------------------------------


def test_after_n_paid_instalments_the_plan_completes_and_access_stays(user, course):
    buy_in_instalments(user, course)
    plan = _plan()
    assert instalment_plan_demo_charge(plan=plan, approve=True) == "paid"
    assert instalment_plan_demo_charge(plan=plan, approve=True) == "completed"
    plan.refresh_from_db()
    assert plan.status == InstalmentPlan.Status.COMPLETED and plan.paid_count == 3
    assert plan.next_charge_at is None and plan.completed_at is not None
    assert _is_enrolled(user, course)
    # Time goes by: nothing ends a completed plan's access.
    assert instalment_plans_end_overdue(now=timezone.now() + timedelta(days=400)) == 0
    assert _is_enrolled(user, course)


def test_a_completed_plan_charges_no_more(user, course):
    buy_in_instalments(user, course)
    plan = _plan()
    instalment_plan_demo_charge(plan=plan, approve=True)
    instalment_plan_demo_charge(plan=plan, approve=True)
    with pytest.raises(InstalmentsNotChangeable):
        instalment_plan_demo_charge(plan=plan, approve=True)
    assert plan.payments.count() == 3


def test_a_paid_invoice_reported_twice_counts_once(user, course):
    buy_in_instalments(user, course)
    plan = _plan()
    assert instalment_apply_invoice(plan=plan, invoice=_invoice(plan, "in_2")) == "paid"
    assert instalment_apply_invoice(plan=plan, invoice=_invoice(plan, "in_2")) == "recorded"
    plan.refresh_from_db()
    assert plan.paid_count == 2 and plan.payments.count() == 2


def test_paid_invoices_count_once_each_in_any_order(user, course):
    buy_in_instalments(user, course)
    plan = _plan()
    instalment_apply_invoice(plan=plan, invoice=_invoice(plan, "in_3", number=3))
    instalment_apply_invoice(plan=plan, invoice=_invoice(plan, "in_2", number=2))
    instalment_apply_invoice(plan=plan, invoice=_invoice(plan, "in_3", number=3))
    plan.refresh_from_db()
    assert plan.status == InstalmentPlan.Status.COMPLETED and plan.paid_count == 3


def test_a_failure_reported_after_its_invoice_was_paid_changes_nothing(user, course):
    buy_in_instalments(user, course)
    plan = _plan()
    instalment_apply_invoice(plan=plan, invoice=_invoice(plan, "in_2"))
    assert instalment_apply_invoice(plan=plan, invoice=_invoice(plan, "in_2", "failed")) == (
        "recorded"
    )
    plan.refresh_from_db()
    assert plan.status == InstalmentPlan.Status.ACTIVE and plan.grace_ends_at is None
    assert plan.payments.get(gateway_reference="in_2").status == InstalmentPayment.Status.PAID


# Failure → grace → revoke --------------------------------------------------------------


def test_a_failed_instalment_makes_the_plan_past_due_with_grace_and_one_email(
    user, course, settings, django_capture_on_commit_callbacks
):
    settings.MEMBERSHIP_GRACE_DAYS = 7
    buy_in_instalments(user, course)
    plan = _plan()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert instalment_plan_demo_charge(plan=plan, approve=False) == "failed"
        assert instalment_plan_demo_charge(plan=plan, approve=False) == "recorded"
    plan.refresh_from_db()
    assert plan.status == InstalmentPlan.Status.PAST_DUE and plan.paid_count == 1
    assert plan.grace_ends_at == plan.past_due_since + timedelta(days=7)
    assert _is_enrolled(user, course)
    assert len(mail.outbox) == 1
    assert "instalment" in mail.outbox[0].subject and "$55.00" in mail.outbox[0].body


def test_when_the_grace_runs_out_unpaid_the_plan_ends_and_access_is_revoked(
    user, course, paid_lesson
):
    buy_in_instalments(user, course)
    plan = _plan()
    instalment_plan_demo_charge(plan=plan, approve=False)
    plan.refresh_from_db()
    assert instalment_plans_end_overdue(now=plan.grace_ends_at - timedelta(seconds=1)) == 0
    assert _is_enrolled(user, course)
    assert instalment_plans_end_overdue(now=plan.grace_ends_at) == 1
    plan.refresh_from_db()
    assert plan.status == InstalmentPlan.Status.CANCELED
    assert not lesson_is_open_to(user=user, lesson=paid_lesson)
    assert instalment_plans_end_overdue(now=plan.grace_ends_at) == 0


def test_paying_within_the_grace_period_puts_the_plan_back_on_track(user, course):
    buy_in_instalments(user, course)
    plan = _plan()
    instalment_plan_demo_charge(plan=plan, approve=False)
    assert instalment_plan_demo_charge(plan=plan, approve=True) == "paid"
    plan.refresh_from_db()
    assert plan.status == InstalmentPlan.Status.ACTIVE and plan.paid_count == 2
    assert plan.grace_ends_at is None
    assert instalment_plans_end_overdue(now=timezone.now() + timedelta(days=30)) == 0


def test_the_access_ending_notice_goes_once_per_grace_period(user, course):
    buy_in_instalments(user, course)
    plan = _plan()
    instalment_plan_demo_charge(plan=plan, approve=False)
    plan.refresh_from_db()
    mail.outbox.clear()
    soon = plan.grace_ends_at - timedelta(days=1)
    assert instalment_plans_send_ending_notices(now=soon) == 1
    assert instalment_plans_send_ending_notices(now=soon) == 0
    assert len(mail.outbox) == 1 and "ends soon" in mail.outbox[0].subject


def test_the_sweep_command_ends_overdue_plans(user, course):
    buy_in_instalments(user, course)
    plan = _plan()
    instalment_plan_demo_charge(plan=plan, approve=False)
    InstalmentPlan.objects.filter(pk=plan.pk).update(
        grace_ends_at=timezone.now() - timedelta(minutes=1)
    )
    out = StringIO()
    call_command("shop_sweep", stdout=out)
    assert "ended 1 overdue payment plan(s)" in out.getvalue()
    assert not _is_enrolled(user, course)


# Refunds ---------------------------------------------------------------------------------


def test_a_refund_of_the_order_revokes_access_stops_the_plan_and_refunds_instalments(
    user, course, django_capture_on_commit_callbacks
):
    order = buy_in_instalments(user, course)
    plan = _plan()
    instalment_plan_demo_charge(plan=plan, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=order, amount_cents=None, reason="requested", gateway=TestGateway())
    plan.refresh_from_db()
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert plan.status == InstalmentPlan.Status.CANCELED
    assert not _is_enrolled(user, course)
    assert all(p.refunded_cents == p.amount_cents for p in plan.payments.all())
    with pytest.raises(InstalmentsNotChangeable):
        instalment_plan_demo_charge(plan=plan, approve=True)


def test_a_refund_after_the_plan_was_paid_in_full_gives_back_every_instalment(
    user, course, django_capture_on_commit_callbacks
):
    order = buy_in_instalments(user, course)
    plan = _plan()
    instalment_plan_demo_charge(plan=plan, approve=True)
    instalment_plan_demo_charge(plan=plan, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=order, amount_cents=None, reason="requested", gateway=TestGateway())
    plan.refresh_from_db()
    assert plan.status == InstalmentPlan.Status.CANCELED
    assert not _is_enrolled(user, course)
    assert [p.refunded_cents for p in plan.payments.all()] == [5500, 5500, 5500]


def test_an_instalment_paid_after_the_plan_ended_is_refunded(
    user, course, django_capture_on_commit_callbacks
):
    buy_in_instalments(user, course)
    plan = _plan()
    instalment_plan_demo_charge(plan=plan, approve=False)
    plan.refresh_from_db()
    instalment_plans_end_overdue(now=plan.grace_ends_at)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = instalment_apply_invoice(plan=plan, invoice=_invoice(plan, "in_late"))
    assert outcome == "refunded"
    late = InstalmentPayment.objects.get(gateway_reference="in_late")
    assert late.refunded_cents == late.amount_cents
    plan.refresh_from_db()
    assert plan.status == InstalmentPlan.Status.CANCELED and plan.paid_count == 1
    assert not _is_enrolled(user, course)


# Price changes -----------------------------------------------------------------------------


def test_a_change_of_the_courses_plan_or_price_applies_to_new_plans_only(user, course):
    buy_in_instalments(user, course)
    course.price_cents, course.instalment_count, course.instalment_cents = 24900, 6, 4500
    course.save_revision().publish()
    plan = _plan()
    instalment_plan_demo_charge(plan=plan, approve=True)
    plan.refresh_from_db()
    assert (plan.instalment_count, plan.instalment_cents, plan.price_cents) == (3, 5500, 14900)
    assert plan.payments.last().amount_cents == 5500
    assert instalment_plan_demo_charge(plan=plan, approve=True) == "completed"


# My account and the demo clock ----------------------------------------------------------------


def test_my_account_shows_paid_k_of_n_and_the_next_charge(client, user, course):
    buy_in_instalments(user, course)
    plan = _plan()
    client.force_login(user)
    page = client.get(reverse("shop:instalment_account")).content.decode()
    assert "1 of 3 instalments paid" in page
    assert "$55.00" in page and f"{plan.next_charge_at:%B %Y}" in page
    assert response_is_private(client.get(reverse("shop:instalment_account")))


def response_is_private(response) -> bool:
    return "private" in response.get("Cache-Control", "")


def test_my_account_shows_another_customers_plan_to_nobody(client, user, other_user, course):
    buy_in_instalments(user, course)
    client.force_login(other_user)
    page = client.get(reverse("shop:instalment_account")).content.decode()
    assert "You have no payment plans" in page


def test_a_shop_manager_advances_the_clock_for_a_plan(client, user, course, shop_manager):
    buy_in_instalments(user, course)
    plan = _plan()
    client.force_login(shop_manager)
    inspect = client.get(reverse("instalment_plan:inspect", args=[plan.pk]))
    assert "Charge the next instalment now" in inspect.content.decode()
    url = reverse("instalment_plan:clock", args=[plan.pk])
    client.post(url, {"action": "renew"})
    client.post(url, {"action": "fail"})
    plan.refresh_from_db()
    assert plan.paid_count == 2 and plan.status == InstalmentPlan.Status.PAST_DUE
    client.post(url, {"action": "lapse"})
    plan.refresh_from_db()
    assert plan.status == InstalmentPlan.Status.CANCELED and not _is_enrolled(user, course)


def test_an_editor_cannot_advance_a_plans_clock(client, user, course, editor):
    buy_in_instalments(user, course)
    plan = _plan()
    client.force_login(editor)
    response = client.post(reverse("instalment_plan:clock", args=[plan.pk]), {"action": "renew"})
    assert response.status_code in (302, 403)
    plan.refresh_from_db()
    assert plan.paid_count == 1
