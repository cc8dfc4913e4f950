"""The mini-cart JSON replayed by shop/middleware.py: right for each visitor, fresh after every
change, the same headers as the view's own answer, and no query on a repeat."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.services import enrollment_grant
from shop.models import CartLine

pytestmark = pytest.mark.django_db

URL = "/shop/cart/summary.json"


def _add(client, course):
    client.post(reverse("shop:cart_add"), {"course": course.pk})


def _summary(client):
    return client.get(URL).json()


def test_the_mini_cart_url_is_the_one_the_middleware_answers():
    assert reverse("shop:cart_summary") == URL


def test_a_repeat_mini_cart_request_runs_no_query(client, user, course):
    client.force_login(user)
    _add(client, course)
    first = client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(URL)
    assert len(queries) == 0
    assert second.content == first.content
    assert second.json()["count"] == 1


def test_an_anonymous_repeat_runs_no_query(client, course):
    _add(client, course)
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        assert _summary(client)["count"] == 1
    assert len(queries) == 0


def test_adding_to_the_cart_changes_the_count_at_once(client, user, course, second_course):
    client.force_login(user)
    assert _summary(client)["count"] == 0
    _add(client, course)
    assert _summary(client)["count"] == 1
    _add(client, second_course)
    assert _summary(client)["count"] == 2


def test_removing_from_the_cart_changes_the_count_at_once(client, course):
    _add(client, course)
    assert _summary(client)["count"] == 1
    client.post(reverse("shop:cart_remove"), {"course": course.pk})
    assert _summary(client)["count"] == 0


def test_another_session_sees_its_own_cart(client, user, other_user, course):
    client.force_login(user)
    _add(client, course)
    assert _summary(client)["count"] == 1
    other = Client()
    other.force_login(other_user)
    assert _summary(other)["count"] == 0
    anonymous = Client()
    assert _summary(anonymous) == {**_summary(other), "signed_in": False}
    assert _summary(client)["count"] == 1


def test_another_anonymous_cart_sees_its_own(client, course, second_course):
    _add(client, course)
    other = Client()
    _add(other, course)
    _add(other, second_course)
    assert _summary(client)["count"] == 1
    assert _summary(other)["count"] == 2


def test_logging_in_and_out_changes_the_answer(client, user, course):
    assert _summary(client)["signed_in"] is False
    client.force_login(user)
    assert _summary(client)["signed_in"] is True
    _add(client, course)
    assert _summary(client)["count"] == 1
    client.logout()
    assert _summary(client) | {"label": ""} == {
        "count": 0,
        "subtotal_cents": 0,
        "subtotal": "$0.00",
        "label": "",
        "signed_in": False,
    }


def test_an_old_session_cookie_is_not_answered_after_logout(client, user, course):
    client.force_login(user)
    _add(client, course)
    cookie = client.cookies["sessionid"].value
    assert _summary(client)["signed_in"] is True
    client.logout()
    stale = Client()
    stale.cookies["sessionid"] = cookie
    assert _summary(stale)["signed_in"] is False
    assert _summary(stale)["count"] == 0


def test_the_count_follows_a_change_made_outside_a_request(client, user, course):
    client.force_login(user)
    _add(client, course)
    assert _summary(client)["count"] == 1
    CartLine.objects.all().delete()
    assert _summary(client)["count"] == 0


def test_the_subtotal_follows_a_price_change(client, course):
    _add(client, course)
    assert _summary(client)["subtotal_cents"] == course.price_cents
    course.price_cents += 100
    course.save_revision().publish()
    assert _summary(client)["subtotal_cents"] == course.price_cents


def test_an_enrollment_refreshes_the_answer(client, user, course):
    client.force_login(user)
    _summary(client)
    enrollment_grant(user=user, course=course, order=None)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    assert len(queries) > 0  # answered afresh by the view, not replayed


def test_a_replay_carries_the_same_headers_as_the_view(client, user):
    client.force_login(user)
    first = client.get(URL)
    second = client.get(URL)
    assert dict(second.items()) == dict(first.items())
    assert "private" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]
    assert "Content-Security-Policy" in second or "Content-Security-Policy" not in first
    assert second["X-Content-Type-Options"] == "nosniff"


def test_a_conditional_request_goes_to_the_view(client):
    first = client.get(URL)
    client.get(URL)
    etag = first.get("ETag")
    if etag:
        assert client.get(URL, headers={"if-none-match": etag}).status_code == 304


def test_another_session_of_the_same_user_sees_a_cart_change(client, user, course):
    client.force_login(user)
    other_device = Client()
    other_device.force_login(user)
    assert _summary(other_device)["count"] == 0
    _add(client, course)
    assert _summary(other_device)["count"] == 1


def test_merging_an_anonymous_cart_on_login_refreshes_the_users_other_sessions(
    client, user, course
):
    other_device = Client()
    other_device.force_login(user)
    assert _summary(other_device)["count"] == 0
    _add(client, course)
    client.post(
        reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"}
    )
    assert _summary(other_device)["count"] == _summary(client)["count"]
