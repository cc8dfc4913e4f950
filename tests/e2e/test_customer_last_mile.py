"""The customer's last mile in Chromium: a claimed gift card used from the cart, a sign-up
mistake shown inside checkout beside the cart, the footer once signed in (also on a shared
cached rendering), and the trust pages linked from the footer and checkout."""

import re

from playwright.sync_api import expect

from shop.services import gift_card_claim
from tests.shop.factories import issue_card
from website.accounts.models import User


def _add_balance_gym(page):
    page.goto("/courses/the-balance-gym/")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-mini-cart]")).to_contain_text("$149.00 · 1 item")


def _log_in(page, email="customer@coachhouse.test"):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("coachhouse-demo")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()


def _footer_account(page):
    return page.get_by_role("navigation", name="Your account")


def test_a_customer_uses_a_claimed_gift_card_from_the_cart_in_one_click(page):
    card = issue_card(5000)
    gift_card_claim(code=card.code, user=User.objects.get(email="customer@coachhouse.test"))
    _log_in(page)
    _add_balance_gym(page)

    page.goto("/shop/cart/")
    expect(page.get_by_role("heading", name="Your gift cards")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Use \$50\.00")).click()

    expect(page.locator(".messages")).to_contain_text(f"Gift card {card.display_code} applied.")
    expect(page.locator("[data-total]")).to_have_text("$99.00")
    expect(page.get_by_role("heading", name="Your gift cards")).to_have_count(0)
    page.get_by_role("link", name="Proceed to checkout").click()
    expect(page.get_by_role("button", name="Pay $99.00")).to_be_visible()


def test_a_sign_up_mistake_is_shown_in_checkout_beside_the_cart_and_then_fixed(page):
    _add_balance_gym(page)
    page.goto("/shop/checkout/")
    form = page.locator("[data-checkout-signup]")
    form.get_by_label("Your name").fill("Robin Buyer")
    form.get_by_label("Email").fill("robin@example.com")
    form.get_by_label("Password", exact=True).fill("a-long-pass-phrase")
    form.get_by_label("Password (again)").fill("not-the-same-phrase")
    form.get_by_role("button", name="Sign up and continue").click()

    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(form).to_contain_text("You must type the same password each time.")
    expect(page.locator(".checkout__lines")).to_contain_text("The Balance Gym")
    expect(page.locator("[data-total]")).to_have_text("$149.00")
    expect(form.get_by_label("Email")).to_have_value("robin@example.com")
    expect(form.get_by_label("Your name")).to_have_value("Robin Buyer")

    form.get_by_label("Password", exact=True).fill("a-long-pass-phrase")
    form.get_by_label("Password (again)").fill("a-long-pass-phrase")
    form.get_by_role("button", name="Sign up and continue").click()

    expect(page.get_by_role("button", name="Pay $149.00")).to_be_visible()
    agreement = page.locator("[data-checkout-agreement]")
    expect(agreement).to_contain_text(
        "By paying you agree to our terms of sale and the refund policy"
    )
    agreement.get_by_role("link", name="refund policy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refund policy")
    expect(page.get_by_text("TEMPLATE — replace this page")).to_be_visible()


def test_the_footer_offers_log_out_once_signed_in_even_on_a_shared_cached_rendering(
    page, browser, live_server
):
    anonymous = browser.new_context(base_url=live_server.url)
    shared_html = anonymous.request.get("/episodes/").text()
    anonymous.close()
    assert "data-signed-in hidden" in shared_html

    _log_in(page)
    page.goto("/")
    expect(_footer_account(page).get_by_role("link", name="Log out")).to_be_visible()
    expect(_footer_account(page).get_by_role("link", name="Log in")).to_be_hidden()

    # A CDN or the browser's cache may hand a signed-in customer the anonymous rendering:
    # the mini-cart's JSON puts the footer right.
    page.route(
        "**/episodes/", lambda route: route.fulfill(body=shared_html, content_type="text/html")
    )
    page.goto("/episodes/")
    expect(page.locator("[data-mini-cart]")).to_have_attribute("data-count", "0")
    expect(_footer_account(page).get_by_role("link", name="Log out")).to_be_visible()
    expect(_footer_account(page).get_by_role("link", name="Sign up")).to_be_hidden()


def test_the_footer_links_every_trust_page(page):
    page.goto("/")
    policies = page.get_by_role("navigation", name="Policies and contact")
    for link, heading in [
        ("Privacy policy", "Privacy policy"),
        ("Terms of sale", "Terms of sale"),
        ("Refund policy", "Refund policy"),
        ("Contact", "Contact"),
    ]:
        policies.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        page.go_back()
    page.goto("/contact/")
    page.get_by_label("Your name").fill("Pat")
    page.get_by_label("Your e-mail").fill("pat@example.com")
    page.get_by_label("Message").fill("Can I pause my course?")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text(
        "your message is on its way"
    )
