"""Checkout with the test gateway: login, server totals, one order, Pay and Decline."""

import pytest
from django.core import mail
from django.urls import reverse

from courses.models import Enrollment
from courses.services import enrollment_grant
from shop.models import Cart, CartLine, Coupon, CouponRedemption, Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper(client, user, course):
    client.force_login(user)
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    return user


def _checkout(client, **data):
    return client.post(reverse("shop:checkout"), data)


def _pay(client, action, django_capture_on_commit_callbacks):
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("shop:test_payment", args=[order.number]), {"action": action}, follow=True
        )
    return response


def test_checkout_asks_an_anonymous_visitor_to_sign_up_and_come_back(client, course):
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    page = client.get(reverse("shop:checkout")).content.decode()
    assert f'action="{reverse("shop:checkout_signup")}"' in page
    assert f'action="{reverse("shop:checkout_login")}"' in page
    assert "Log in instead" in page


def test_signing_up_at_checkout_returns_to_checkout_with_the_cart(client, course):
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "next": "/shop/checkout/",
        },
    )
    assert response["Location"] == "/shop/checkout/"
    assert Cart.objects.get().user.email == "new@example.com"


def test_placing_an_order_requires_login(client, course):
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    response = _checkout(client)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Order.objects.exists()


def test_checkout_of_an_empty_cart_goes_back_to_the_cart(client, user):
    client.force_login(user)
    assert _checkout(client)["Location"] == reverse("shop:cart")
    assert not Order.objects.exists()


def test_checkout_shows_the_server_total_with_the_coupon(client, shopper):
    Coupon.objects.create(code="WELCOME10", percent_off=10)
    client.post(reverse("shop:coupon_apply"), {"code": "WELCOME10"})
    page = client.get(reverse("shop:checkout")).content.decode()
    assert "Pay $134.10" in page
    assert "no money moves" in page


def test_placing_an_order_snapshots_lines_and_totals_and_ignores_posted_prices(
    client, shopper, course
):
    Coupon.objects.create(code="WELCOME10", percent_off=10)
    client.post(reverse("shop:coupon_apply"), {"code": "WELCOME10"})
    response = _checkout(client, total_cents=1, price=0)
    order = Order.objects.get()
    assert response["Location"] == reverse("shop:test_payment", args=[order.number])
    assert (
        order.subtotal_cents,
        order.discount_cents,
        order.gift_card_cents,
        order.total_cents,
    ) == (14900, 1490, 0, 13410)
    assert (order.status, order.email, order.coupon_code, order.currency) == (
        "pending",
        shopper.email,
        "WELCOME10",
        "USD",
    )
    assert list(order.lines.values_list("title", "unit_price_cents")) == [
        ("The Balance Gym", 14900)
    ]
    assert order.gateway_reference == f"test_{order.number}"


def test_posting_checkout_twice_places_one_order(client, shopper):
    _checkout(client)
    _checkout(client)
    assert Order.objects.count() == 1


def test_changing_the_cart_after_checkout_places_a_new_order_and_cancels_the_old(
    client, shopper, second_course
):
    _checkout(client)
    client.post(reverse("shop:cart_add"), {"course": second_course.pk})
    _checkout(client)
    assert list(Order.objects.order_by("pk").values_list("status", "total_cents")) == [
        ("canceled", 14900),
        ("pending", 24800),
    ]


def test_checkout_refuses_a_course_bought_meanwhile(client, shopper, course):
    enrollment_grant(user=shopper, course=course, order=None)
    response = client.post(reverse("shop:checkout"), follow=True)
    assert "You already own “The Balance Gym”" in response.content.decode()
    assert not Order.objects.exists()


def test_checkout_refuses_a_coupon_that_stopped_applying(client, shopper):
    coupon = Coupon.objects.create(code="WELCOME10", percent_off=10)
    client.post(reverse("shop:coupon_apply"), {"code": "WELCOME10"})
    Coupon.objects.filter(pk=coupon.pk).update(is_active=False)
    response = client.post(reverse("shop:checkout"), follow=True)
    assert "Coupon WELCOME10 is no longer active." in response.content.decode()
    assert not Order.objects.exists()


def test_the_test_payment_page_is_clearly_labelled(client, shopper):
    _checkout(client)
    page = client.get(
        reverse("shop:test_payment", args=[Order.objects.get().number])
    ).content.decode()
    assert "Test payment — no money moves" in page
    assert 'value="pay"' in page and 'value="decline"' in page


def test_paying_fulfils_the_order(client, shopper, course, django_capture_on_commit_callbacks):
    Coupon.objects.create(code="WELCOME10", percent_off=10)
    client.post(reverse("shop:coupon_apply"), {"code": "WELCOME10"})
    _checkout(client)
    response = _pay(client, "pay", django_capture_on_commit_callbacks)
    order = Order.objects.get()
    assert order.status == "paid" and order.paid_at is not None
    assert Enrollment.objects.get(user=shopper, course=course).order == order
    assert CouponRedemption.objects.get().order == order
    assert not CartLine.objects.exists()
    assert Cart.objects.get().coupon is None
    assert "Thank you! Order" in response.content.decode()


def test_paying_sends_a_receipt_with_text_and_html(
    client, shopper, django_capture_on_commit_callbacks
):
    _checkout(client)
    _pay(client, "pay", django_capture_on_commit_callbacks)
    order = Order.objects.get()
    [email] = mail.outbox
    assert email.to == [shopper.email]
    assert order.number in email.subject
    assert "The Balance Gym" in email.body and "$149.00" in email.body
    assert email.alternatives[0].mimetype == "text/html"


def test_pressing_pay_twice_fulfils_once(client, shopper, django_capture_on_commit_callbacks):
    _checkout(client)
    _pay(client, "pay", django_capture_on_commit_callbacks)
    _pay(client, "pay", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert Enrollment.objects.count() == 1


def test_a_declined_payment_leaves_the_cart_intact_and_says_so(
    client, shopper, course, django_capture_on_commit_callbacks
):
    _checkout(client)
    response = _pay(client, "decline", django_capture_on_commit_callbacks)
    assert Order.objects.get().status == "failed"
    assert list(CartLine.objects.values_list("course_id", flat=True)) == [course.pk]
    assert not Enrollment.objects.exists()
    assert not mail.outbox
    assert "Your payment was declined: the test card was declined." in response.content.decode()


def test_after_a_decline_checking_out_again_places_a_new_order_that_can_be_paid(
    client, shopper, django_capture_on_commit_callbacks
):
    _checkout(client)
    _pay(client, "decline", django_capture_on_commit_callbacks)
    _checkout(client)
    order = Order.objects.get(status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("shop:test_payment", args=[order.number]), {"action": "pay"})
    assert list(Order.objects.order_by("pk").values_list("status", flat=True)) == ["failed", "paid"]


def test_another_customers_payment_page_is_not_found(client, shopper, django_user_model):
    _checkout(client)
    number = Order.objects.get().number
    client.force_login(
        django_user_model.objects.create_user(email="other@example.com", password="x-pass-123")
    )
    assert client.get(reverse("shop:test_payment", args=[number])).status_code == 404


def test_an_order_with_nothing_to_pay_is_fulfilled_without_a_payment_page(
    client, shopper, course, django_capture_on_commit_callbacks
):
    Coupon.objects.create(code="FREE", percent_off=100)
    client.post(reverse("shop:coupon_apply"), {"code": "FREE"})
    with django_capture_on_commit_callbacks(execute=True):
        response = _checkout(client)
    order = Order.objects.get()
    assert response["Location"] == reverse("courses:library")
    assert (order.status, order.total_cents, order.gateway) == ("paid", 0, "none")
    assert Enrollment.objects.get(user=shopper, course=course).order == order
    assert len(mail.outbox) == 1
