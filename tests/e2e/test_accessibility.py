"""axe-core on the pages people use most, and the shop driven by the keyboard alone.

axe-core is vendored under tests/e2e/vendor/ (from the npm registry) and evaluated in the
page through the DevTools protocol, which the site's Content-Security-Policy does not govern.
"""

import re
from pathlib import Path

from playwright.sync_api import expect

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
BLOCKING = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def log_in(page, email="customer@coachhouse.test"):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("coachhouse-demo")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()


def first_url(model_path: str) -> str:
    from django.apps import apps

    model = apps.get_model(model_path)
    if model_path == "trainers.Trainer":
        return f"/find-a-trainer/{model.objects.filter(is_published=True).first().slug}/"
    return model.objects.live().first().url


PUBLIC_PAGES = [
    "/",
    "/episodes/backward-walking-for-back-pain/",
    "content.ArticlePage",
    "/courses/",
    "/courses/the-balance-gym/",
    "/shop/cart/",
    "/search/?q=vestibular",
    "/account/login/",
    "/find-a-trainer/",
    "/find-a-trainer/?q=60601&radius=50",
    "trainers.Trainer",
]


def test_public_pages_have_no_serious_accessibility_violations(page):
    """Every page is checked on one demo copy; the failure names each page with violations."""
    page.route(re.compile(r"https://tile\.openstreetmap\.org/.*"), lambda route: route.abort())
    found = {}
    for where in PUBLIC_PAGES:
        response = page.goto(where if where.startswith("/") else first_url(where))
        assert response.ok, (where, response.status)
        found[where] = serious_violations(page)
    assert {where: violations for where, violations in found.items() if violations} == {}


def test_the_checkout_has_no_serious_accessibility_violations(page):
    page.goto("/courses/the-balance-gym/")
    page.get_by_role("button", name="Add to cart").click()
    log_in(page)
    page.goto("/shop/checkout/")
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    assert serious_violations(page) == []


def tab_to(page, name: str, limit: int = 80) -> None:
    """Press Tab until the focused element's accessible text contains `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement; const label = e.labels && e.labels[0];"
            " return ((label && label.innerText) || e.innerText || e.value"
            " || e.getAttribute('aria-label') || '').trim(); })()"
        )
        if name.lower() in focused.lower():
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_a_customer_can_fill_the_cart_and_reach_payment_with_the_keyboard_alone(page):
    log_in(page)
    page.goto("/courses/the-balance-gym/")
    tab_to(page, "Add to cart")
    page.keyboard.press("Enter")
    expect(page.locator("[data-mini-cart]")).to_contain_text("1 item")
    page.goto("/shop/cart/")
    tab_to(page, "Coupon code")
    page.keyboard.type("WELCOME10")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Coupon WELCOME10 applied.")
    tab_to(page, "Proceed to checkout")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    tab_to(page, "Pay $134.10")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Test payment — no money moves")).to_be_visible()
    tab_to(page, "Pay $134.10")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My courses")).to_be_visible()


def test_a_visitor_can_search_for_a_trainer_with_the_keyboard_alone(page):
    page.route(re.compile(r"https://tile\.openstreetmap\.org/.*"), lambda route: route.abort())
    page.goto("/find-a-trainer/")
    tab_to(page, "Where")
    page.keyboard.type("60601")
    tab_to(page, "Search")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2, name=re.compile("of 60601"))).to_be_visible()
    first_result = page.locator(".trainer-list .trainer-card").first.get_by_role("link").first
    name = first_result.inner_text()
    tab_to(page, name)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
