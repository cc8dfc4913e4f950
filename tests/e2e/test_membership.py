"""The member's journey in Chromium with the test gateway: subscribe → the member-only page →
cancel at period end → access until the period ends, then the plans instead."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from shop.models import Membership


def test_a_visitor_subscribes_reads_the_members_page_cancels_and_keeps_access_to_period_end(
    page,
):
    page.goto("/membership/")
    page.get_by_role("button", name="Subscribe to All-access monthly").click()
    expect(page.locator("[data-plan-line]")).to_contain_text("All-access monthly membership")
    expect(page.locator("[data-mini-cart]")).to_contain_text("$29.00 · 1 item")
    page.get_by_role("link", name="Proceed to checkout").click()
    form = page.locator("[data-checkout-signup]")
    form.get_by_label("Your name").fill("Member")
    form.get_by_label("Email").fill("member@example.com")
    form.get_by_label("Password", exact=True).fill("a-long-pass-phrase")
    form.get_by_label("Password (again)").fill("a-long-pass-phrase")
    form.get_by_role("button", name="Sign up and continue").click()
    page.get_by_role("button", name="Pay $29.00").click()
    expect(page.get_by_role("heading", name="Test payment — no money moves")).to_be_visible()
    page.get_by_role("button", name="Pay $29.00").click()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"Order CH-\w+ is paid"))
    expect(page.get_by_role("heading", name="Membership")).to_be_visible()
    expect(page.locator("[data-next-charge]")).to_have_text("$29.00")

    page.goto("/members-corner/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Members' corner")

    page.goto("/account/membership/")
    page.get_by_role("button", name="Cancel at the end of the period").click()
    expect(page.locator(".messages")).to_contain_text("will end at the close of the paid period")
    expect(page.get_by_role("button", name="Keep my membership")).to_be_visible()
    page.goto("/members-corner/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Members' corner")

    # The paid period ends: access ends with it, decided on the next request.
    Membership.objects.update(current_period_end=timezone.now())
    page.goto("/members-corner/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Members only")
    expect(page.get_by_role("link", name="See the membership plans")).to_be_visible()
