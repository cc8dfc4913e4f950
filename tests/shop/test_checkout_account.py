"""Signing up or logging in at checkout: allauth's forms on the checkout page, mistakes shown
there beside the order summary, the name asked for, the cart kept, sign-up non-enumerating."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from shop.models import Cart

pytestmark = pytest.mark.django_db

SIGNUP = {
    "first_name": "Robin Buyer",
    "email": "robin@example.com",
    "password1": "a-long-pass-phrase",
    "password2": "a-long-pass-phrase",
}


@pytest.fixture
def visitor(client, course):
    """An anonymous visitor with the $149 course in the cart."""
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    return client


def _signup(client, **changes):
    return client.post(reverse("shop:checkout_signup"), {**SIGNUP, **changes})


def _assert_checkout_page_with_the_cart(response, course):
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Checkout</h1>" in html
    assert course.title in html
    assert response.context["totals"].total_cents == 14900


def test_the_checkout_page_asks_for_a_name_email_and_password(visitor):
    form = visitor.get(reverse("shop:checkout")).context["account_signup_form"]
    assert list(form.visible_fields()[i].name for i in range(4)) == [
        "first_name",
        "email",
        "password1",
        "password2",
    ]
    assert form.fields["first_name"].required


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"password1": "short", "password2": "short"}, "This password is too short."),
        ({"password2": "a-different-phrase"}, "You must type the same password each time."),
        ({"email": "robin@"}, "Enter a valid email address."),
        ({"first_name": ""}, "This field is required."),
    ],
    ids=["short password", "passwords differ", "bad email", "no name"],
)
def test_a_sign_up_mistake_re_renders_checkout_with_the_cart_and_what_was_typed(
    visitor, course, changes, error
):
    response = _signup(visitor, **changes)

    _assert_checkout_page_with_the_cart(response, course)
    html = response.content.decode()
    assert error in html
    form = response.context["account_signup_form"]
    assert form.is_bound and not form.is_valid()
    assert response.context["account_form_shown"] == "account_signup_form"
    if "email" not in changes:
        assert 'value="robin@example.com"' in html
    # The footer's newsletter form is another form: it is not filled in with what was typed.
    assert re.search(r'id="footer-signup-email"[^>]*value="([^"]*)"', html)[1] == ""
    assert not get_user_model().objects.exists()
    assert "_auth_user_id" not in visitor.session


def test_signing_up_at_checkout_saves_the_name_logs_in_and_returns_to_pay(visitor, course):
    response = _signup(visitor)

    assert response.status_code == 302
    assert response["Location"] == reverse("shop:checkout")
    user = get_user_model().objects.get(email="robin@example.com")
    assert user.first_name == "Robin Buyer"
    assert Cart.objects.get(user=user).lines.get().course == course
    page = visitor.get(reverse("shop:checkout")).content.decode()
    assert "Pay $149.00" in page
    # Verification is sent, but never stands between the buyer and paying.
    assert any(m.to == ["robin@example.com"] for m in mail.outbox)


def test_signing_up_with_an_address_in_use_reveals_nothing_and_changes_nothing(visitor, user):
    response = _signup(visitor, email=user.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert get_user_model().objects.count() == 1
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery")
    assert "_auth_user_id" not in visitor.session
    (sent,) = mail.outbox
    assert sent.to == [user.email]


def test_a_wrong_password_at_log_in_re_renders_checkout_with_the_cart(visitor, user, course):
    response = visitor.post(
        reverse("shop:checkout_login"), {"login": user.email, "password": "wrong-password"}
    )

    _assert_checkout_page_with_the_cart(response, course)
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert response.context["account_form_shown"] == "account_login_form"
    assert "_auth_user_id" not in visitor.session


def test_logging_in_instead_keeps_the_cart_and_returns_to_pay(visitor, user, course):
    response = visitor.post(
        reverse("shop:checkout_login"), {"login": user.email, "password": "correct-horse-battery"}
    )

    assert response["Location"] == reverse("shop:checkout")
    assert Cart.objects.get(user=user).lines.get().course == course
    assert "Pay $149.00" in visitor.get(reverse("shop:checkout")).content.decode()


def test_checkout_sign_up_with_an_empty_cart_goes_to_the_cart(client):
    response = _signup(client)
    assert response["Location"] == reverse("shop:cart")
    assert not get_user_model().objects.exists()


def test_the_checkout_account_urls_only_take_posts(visitor):
    for name in ("shop:checkout_signup", "shop:checkout_login"):
        assert visitor.get(reverse(name))["Location"] == reverse("shop:checkout")


def test_the_generic_sign_up_page_asks_for_a_name_too(client):
    client.post(
        "/account/signup/", {**SIGNUP, "first_name": "Sam Generic", "email": "s@example.com"}
    )
    assert get_user_model().objects.get(email="s@example.com").first_name == "Sam Generic"
