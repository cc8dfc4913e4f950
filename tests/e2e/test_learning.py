"""A learner in Chromium takes The Balance Gym's required quiz and sees the next module open;
times the server writes are rewritten in the browser's own time zone."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import RESULTS

QUIZ_LESSON = "/courses/the-balance-gym/head-turns-while-walking/"
NEXT_MODULE_LESSON = "Backward walking progressions"


def _enrol_and_log_in(page, slug="the-balance-gym"):
    from django.contrib.auth import get_user_model

    from courses.models import CoursePage, Enrollment

    customer = get_user_model().objects.get(email="customer@coachhouse.test")
    course = CoursePage.objects.get(slug=slug)
    Enrollment.objects.create(user=customer, course=course, granted_at=timezone.now())
    page.goto("/account/login/")
    page.get_by_label("Email").fill("customer@coachhouse.test")
    page.get_by_label("Password").fill("coachhouse-demo")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()


def test_a_learner_passes_the_required_quiz_and_the_next_module_opens(page):
    _enrol_and_log_in(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(QUIZ_LESSON)
    outline = page.locator(".lesson-outline")
    expect(outline.get_by_text("Pass “Eyes and inner ear check” to open").first).to_be_visible()
    expect(outline.get_by_role("link", name=NEXT_MODULE_LESSON)).to_have_count(0)

    quiz = page.locator("#quiz")
    quiz.get_by_label("The inner ear (vestibular system)").check()
    quiz.get_by_label("Head turns while looking at a fixed target").check()
    quiz.get_by_label("Walking with slow head turns").check()
    quiz.get_by_label("Mildly challenging, settling within a minute").check()
    quiz.get_by_role("button", name="Submit answers").click()

    expect(page.locator(".quiz-result")).to_contain_text("Passed: 3 of 3 right")
    expect(page.locator(".quiz-result")).to_contain_text("Its canals sense rotation.")
    outline = page.locator(".lesson-outline")
    expect(outline).to_contain_text("Quiz passed")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "lesson-quiz-passed-1280.png", full_page=True)
    outline.get_by_role("link", name=NEXT_MODULE_LESSON).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NEXT_MODULE_LESSON)


def test_a_dripped_lessons_opening_is_shown_in_the_visitors_time_zone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, timezone_id="America/Chicago", locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    _enrol_and_log_in(page, slug="pain-free-posture")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/courses/pain-free-posture/the-desk-routine/")
    when = page.locator(".lesson-locked__when time")
    expect(when).to_have_text(re.compile(r"\b(CST|CDT)\b"))
    assert "UTC" in when.get_attribute("title")
    page.screenshot(path=RESULTS / "lesson-opens-on-390.png", full_page=True)
    context.close()
