"""Gift cards in Chromium: buy one for a friend, who claims it and spends it on a course."""

import re

from django.core import mail
from playwright.sync_api import expect


def _sign_up(page, email, button):
    # The checkout's inline form and allauth's page label their fields slightly differently;
    # at checkout it shares the page with "Log in instead", and the name is required.
    form = page.locator("[data-checkout-signup]") if button == "Sign up and continue" else page
    if form is not page:
        form.get_by_label("Your name").fill("Giver")
    form.get_by_label(re.compile(r"^Email:?$")).fill(email)
    form.get_by_label(re.compile(r"^Password:?$")).fill("a-long-pass-phrase")
    form.get_by_label(re.compile(r"^Password \(again\)")).fill("a-long-pass-phrase")
    form.get_by_role("button", name=button, exact=True).click()


def test_a_friend_claims_an_emailed_gift_card_and_pays_part_of_a_course_with_it(
    page, browser, live_server
):
    page.goto("/shop/gift-cards/")
    page.get_by_label("$50.00 gift card").check()
    page.get_by_label("Recipient's name").fill("Robin")
    page.get_by_label("Recipient's email").fill("robin@example.com")
    page.get_by_label("Message").fill("Happy birthday!")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-mini-cart]")).to_contain_text("$50.00 · 1 item")

    page.get_by_role("link", name="Proceed to checkout").click()
    _sign_up(page, "giver@example.com", "Sign up and continue")
    page.get_by_role("button", name="Pay $50.00").click()
    page.get_by_role("button", name="Pay $50.00").click()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"Order CH-\w+ is paid"))

    email = next(m for m in mail.outbox if m.to == ["robin@example.com"])
    assert "Happy birthday!" in email.body
    claim_path = re.search(r"https?://[^/\s]+(/shop/gift-cards/claim/\?code=\w+)", email.body)[1]
    code = re.search(r"Your code: ([\w-]+)", email.body)[1]

    friend = browser.new_context(base_url=live_server.url)
    robin = friend.new_page()
    robin.set_default_timeout(10_000)
    robin.goto("/account/signup/?next=" + claim_path.replace("?", "%3F").replace("=", "%3D"))
    _sign_up(robin, "robin@example.com", "Sign Up")
    expect(robin.get_by_role("heading", name="Claim a gift card")).to_be_visible()
    robin.get_by_role("button", name="Claim gift card").click()
    expect(robin.get_by_role("heading", name=code)).to_be_visible()
    expect(robin.get_by_text("Balance $50.00")).to_be_visible()

    robin.goto("/courses/the-balance-gym/")
    robin.get_by_role("button", name="Add to cart").click()
    robin.get_by_label("Gift card code").fill(code.lower())
    robin.get_by_role("button", name="Apply Gift Card").click()
    expect(robin.locator("[data-total]")).to_have_text("$99.00")
    robin.get_by_role("link", name="Proceed to checkout").click()
    robin.get_by_role("button", name="Pay $99.00").click()
    expect(robin.get_by_role("heading", name="Test payment — no money moves")).to_be_visible()
    robin.get_by_role("button", name="Pay $99.00").click()
    expect(robin.get_by_role("link", name="The Balance Gym")).to_be_visible()

    robin.goto("/account/gift-cards/")
    expect(robin.get_by_text("Balance $0.00")).to_be_visible()
    friend.close()
