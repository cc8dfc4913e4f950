"""The customer's journey in Chromium with the test gateway (the demo's default)."""

import re

from django.core import mail
from playwright.sync_api import expect


def _add_balance_gym_to_cart(page):
    page.goto("/courses/")
    page.get_by_role("link", name="The Balance Gym").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Balance Gym")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-mini-cart]")).to_contain_text("$149.00 · 1 item")


def _sign_up_at_checkout(page, email):
    page.get_by_role("link", name="Proceed to checkout").click()
    # The sign-up form shares the checkout page with "Log in instead".
    form = page.locator("[data-checkout-signup]")
    form.get_by_label("Your name").fill("Buyer")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password", exact=True).fill("a-long-pass-phrase")
    form.get_by_label("Password (again)").fill("a-long-pass-phrase")
    form.get_by_role("button", name="Sign up and continue").click()
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()


def test_a_visitor_buys_a_course_with_a_coupon_and_watches_a_lesson(page):
    _add_balance_gym_to_cart(page)
    page.get_by_label("Coupon code").fill("welcome10")
    page.get_by_role("button", name="Apply Coupon").click()
    expect(page.locator(".messages")).to_contain_text("Coupon WELCOME10 applied.")
    expect(page.locator("[data-total]")).to_have_text("$134.10")

    _sign_up_at_checkout(page, "buyer@example.com")
    page.get_by_role("button", name="Pay $134.10").click()
    expect(page.get_by_role("heading", name="Test payment — no money moves")).to_be_visible()
    page.get_by_role("button", name="Pay $134.10").click()
    expect(page.locator(".messages")).to_contain_text(
        re.compile(r"Thank you! Order CH-\w+ is paid")
    )

    expect(page.get_by_role("heading", name="My courses")).to_be_visible()
    expect(page.get_by_role("link", name="The Balance Gym")).to_be_visible()
    receipts = [m for m in mail.outbox if "Your receipt for order CH-" in m.subject]
    assert [m.to for m in receipts] == [["buyer@example.com"]]
    assert "The Balance Gym" in receipts[0].body and "$134.10" in receipts[0].body
    page.get_by_role("link", name=re.compile("Start: Welcome")).click()
    page.get_by_role("button", name=re.compile("Play video")).click()
    expect(page.locator("iframe.video__iframe")).to_have_attribute(
        "src", re.compile("youtube-nocookie.com/embed/")
    )
    page.get_by_role("link", name="The Balance Gym").first.click()
    page.get_by_role("link", name="Gaze stabilisation drills").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gaze stabilisation drills")
    expect(page.locator("[data-mini-cart]")).to_contain_text("$0.00 · 0 items")


def test_a_declined_payment_keeps_the_cart_and_says_so(page):
    _add_balance_gym_to_cart(page)
    _sign_up_at_checkout(page, "decliner@example.com")
    page.get_by_role("button", name="Pay $149.00").click()
    page.get_by_role("button", name="Decline").click()
    expect(page.locator(".messages")).to_contain_text(
        "Your payment was declined: the test card was declined."
    )
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.get_by_role("cell", name="The Balance Gym", exact=True)).to_be_visible()
    expect(page.locator("[data-mini-cart]")).to_contain_text("$149.00 · 1 item")
