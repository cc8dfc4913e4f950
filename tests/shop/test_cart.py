"""The cart: adding, removing, ownership rules, the mini-cart endpoint, merging on login."""

import re

import pytest
from django.urls import reverse

from courses.services import enrollment_grant
from shop.models import Cart, CartLine, Coupon
from tests.courses.factories import CoursePageFactory

pytestmark = pytest.mark.django_db


def _add(client, course, **extra):
    return client.post(reverse("shop:cart_add"), {"course": course.pk, **extra}, follow=True)


def _summary(client):
    return client.get(reverse("shop:cart_summary")).json()


def test_adding_a_course_puts_it_in_a_cookie_cart_and_shows_it(client, course):
    response = _add(client, course)
    assert "cart" in client.cookies
    assert list(CartLine.objects.values_list("course_id", flat=True)) == [course.pk]
    assert b"The Balance Gym" in response.content
    assert b"$149.00" in response.content


def test_adding_the_same_course_twice_keeps_one_line(client, course):
    _add(client, course)
    _add(client, course)
    assert CartLine.objects.count() == 1


def test_a_tampered_price_in_the_post_is_ignored(client, course):
    _add(client, course, price_cents=1, price="0.01", quantity=5)
    assert _summary(client)["subtotal_cents"] == 14900
    assert _summary(client)["count"] == 1


def test_adding_an_unpublished_course_is_refused_with_a_message(client, course_index):
    draft = CoursePageFactory(parent=course_index, title="Draft course", live=False)
    response = _add(client, draft)
    assert "“Draft course” is not on sale right now." in response.content.decode()
    assert not CartLine.objects.exists()


def test_adding_an_unpurchasable_course_is_refused_with_a_message(client, course):
    course.is_purchasable = False
    course.save_revision().publish()
    response = _add(client, course)
    assert "is not on sale right now" in response.content.decode()
    assert not CartLine.objects.exists()


def test_adding_a_course_already_owned_is_refused_with_a_message(client, enrolled_user, course):
    client.force_login(enrolled_user)
    response = _add(client, course)
    assert "You already own “The Balance Gym”" in response.content.decode()
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("value", ["", "abc", "-3", "999999"])
def test_adding_an_unknown_course_answers_with_a_message_not_an_error(client, db, value):
    response = client.post(reverse("shop:cart_add"), {"course": value}, follow=True)
    assert response.status_code == 200
    assert b"That course does not exist." in response.content


def test_removing_a_course_empties_the_cart(client, course):
    _add(client, course)
    response = client.post(reverse("shop:cart_remove"), {"course": course.pk}, follow=True)
    assert not CartLine.objects.exists()
    assert b"Your cart is empty" in response.content


def test_checkout_with_an_empty_cart_shows_the_cart_saying_so_once(client, db):
    response = client.get(reverse("shop:checkout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("shop:cart")
    assert response.content.count(b"Your cart is empty") == 1


def test_the_empty_cart_links_back_to_the_courses(client, db):
    response = client.get(reverse("shop:cart"))
    assert b"Your cart is empty" in response.content
    assert b'href="/courses/"' in response.content
    assert b"Return to Courses" in response.content


def test_the_mini_cart_endpoint_says_zero_items_for_a_new_visitor(client, db):
    assert _summary(client) == {
        "count": 0,
        "subtotal_cents": 0,
        "subtotal": "$0.00",
        "label": "$0.00 · 0 items",
        "signed_in": False,
    }


def test_the_mini_cart_endpoint_counts_items_and_is_never_cached(client, course, second_course):
    _add(client, course)
    _add(client, second_course)
    response = client.get(reverse("shop:cart_summary"))
    assert response.json()["label"] == "$248.00 · 2 items"
    assert "no-store" in response["Cache-Control"]


def _mini_cart_html(client):
    html = client.get("/").content.decode()
    return re.search(r'<a class="mini-cart".*?</a>', html, re.S).group(0)


def test_the_header_mini_cart_html_is_the_same_for_every_anonymous_visitor(
    client, course, home_page
):
    empty = _mini_cart_html(client)
    _add(client, course)
    assert _mini_cart_html(client) == empty
    assert 'href="/shop/cart/"' in empty


def _log_in(client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"}
    )


def test_logging_in_merges_the_anonymous_cart_into_the_users_cart(
    client, user, course, second_course
):
    Cart.objects.create(user=user).lines.create(course=second_course)
    _add(client, course)
    _log_in(client, user)
    cart = Cart.objects.get(user=user)
    assert set(cart.lines.values_list("course_id", flat=True)) == {course.pk, second_course.pk}
    assert Cart.objects.count() == 1


def test_merging_skips_courses_the_user_already_owns(client, user, course, second_course):
    enrollment_grant(user=user, course=second_course, order=None)
    _add(client, course)
    _add(client, second_course)
    _log_in(client, user)
    assert list(Cart.objects.get(user=user).lines.values_list("course_id", flat=True)) == [
        course.pk
    ]


def test_merging_carries_the_anonymous_coupon_over(client, user, course):
    Coupon.objects.create(code="WELCOME10", percent_off=10)
    _add(client, course)
    client.post(reverse("shop:coupon_apply"), {"code": "welcome10"})
    _log_in(client, user)
    assert Cart.objects.get(user=user).coupon.code == "WELCOME10"
