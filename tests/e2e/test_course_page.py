"""The Balance Gym's sales page in Chromium: the buy box on a phone and on a desktop, a free
preview that plays, and "Go to course" for the customer who owns it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import RESULTS

COURSE = "/courses/the-balance-gym/"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return box


def _scroll_to(page, locator):
    """Scroll at once (no smooth scrolling) so the element is in the middle of the screen."""
    locator.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")


def test_on_a_phone_the_buy_bar_stays_at_the_bottom_and_never_covers_the_page(page):
    page.set_viewport_size(PHONE)
    page.goto(COURSE)
    bar = page.locator(".buy-box")
    expect(bar.get_by_role("button", name=re.compile("Add to cart"))).to_be_visible()
    expect(bar).to_contain_text("$149.00")

    for target in ("#curriculum-title", "#faq-title"):
        _scroll_to(page, page.locator(target))
        box = _box(bar)
        assert abs(box["y"] + box["height"] - PHONE["height"]) <= 1, target
        assert box["x"] == 0 and box["width"] == PHONE["width"]

    # At the very end of the page the bar sits below the footer's last line, not over it.
    page.evaluate(
        "window.scrollTo({top: document.scrollingElement.scrollHeight, behavior: 'instant'})"
    )
    last = page.locator(".site-footer__legal")
    expect(last).to_be_in_viewport()
    assert _box(last)["y"] + _box(last)["height"] <= _box(bar)["y"] + 0.5
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "course-page-390.png")


def test_on_a_desktop_the_buy_box_stays_beside_the_content_below_the_header(page):
    page.set_viewport_size(DESKTOP)
    page.goto(COURSE)
    box = page.locator(".buy-box")
    header = page.locator(".site-header")
    main = page.locator(".course__main")

    for target in ("#instructor-title", "#testimonials-title", "#faq-title"):
        _scroll_to(page, page.locator(target))
        expect(box).to_be_in_viewport(ratio=1)
        buy, head = _box(box), _box(header)
        assert buy["y"] >= head["y"] + head["height"], target
        assert buy["x"] >= _box(main)["x"] + _box(main)["width"], target
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "course-page-desktop.png")


def test_a_visitor_plays_a_free_preview_from_the_curriculum(page):
    page.goto(COURSE)
    curriculum = page.locator("#curriculum")
    expect(curriculum.get_by_role("heading", name=re.compile("Start here"))).to_be_visible()
    expect(curriculum.get_by_role("link", name=re.compile("Free preview"))).to_have_count(2)
    expect(curriculum.get_by_role("link", name="Gaze stabilisation drills")).to_have_count(0)
    page.locator("summary", has_text="How long do I have access?").click()
    expect(page.get_by_text("buy once, watch on any device")).to_be_visible()

    curriculum.get_by_role("link", name=re.compile("Free preview.*Welcome: how balance")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome: how balance works")
    page.get_by_role("button", name=re.compile("Play video")).click()
    expect(page.locator("iframe.video__iframe")).to_have_attribute(
        "src", re.compile("youtube-nocookie.com/embed/")
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_customer_who_owns_the_course_is_offered_go_to_course(page, viewport):
    from django.contrib.auth import get_user_model

    from courses.models import CoursePage, Enrollment

    customer = get_user_model().objects.get(email="customer@coachhouse.test")
    course = CoursePage.objects.get(slug="the-balance-gym")
    Enrollment.objects.create(user=customer, course=course, granted_at=timezone.now())
    page.set_viewport_size(viewport)
    page.goto("/account/login/")
    page.get_by_label("Email").fill("customer@coachhouse.test")
    page.get_by_label("Password").fill("coachhouse-demo")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()

    page.goto("/courses/")
    card = page.locator(".course-card", has_text="The Balance Gym")
    expect(card).to_contain_text("0 of 8 lessons")
    expect(card.get_by_role("button", name=re.compile("Add to cart"))).to_have_count(0)
    other = page.locator(".course-card", has_text="Pain-Free Posture")
    expect(other.get_by_role("button", name=re.compile("Add to cart"))).to_be_visible()

    page.goto(COURSE)
    buy = page.locator(".buy-box")
    expect(buy).to_contain_text("0 of 8 lessons")
    buy.get_by_role("link", name="Go to course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome: how balance works")
