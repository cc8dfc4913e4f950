"""The certification pathway in Chromium with the test gateway: a new customer buys R-Phase
Certification, learns its lessons, passes the required quiz and the final exam, sees the
certificate and its verification page, creates a trainer profile in Chicago that the demo
administrator approves, and Find a Trainer shows them verified, linked to the record."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from certificates.models import CertificationGrant
from courses.models import Enrollment
from tests.e2e.test_customer import _sign_up_at_checkout
from tests.e2e.test_editor import sign_in_to_the_admin
from trainers.models import ProfileChange

COURSE = "/courses/r-phase-certification/"
EMAIL = "new-trainer@example.com"
TRAINER = "Riley Park"


def _lesson(page, title):
    page.goto(COURSE)
    page.get_by_role("main").get_by_role("link", name=title, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def _mark_complete(page):
    page.get_by_role("button", name="Mark lesson complete").click()
    expect(page.locator(".lesson .tag", has_text="Completed")).to_be_visible()


def _answer(page, *choices):
    quiz = page.locator("#quiz")
    for choice in choices:
        quiz.get_by_label(choice, exact=True).check()
    quiz.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".quiz-result")).to_contain_text("Passed")


def test_a_new_customer_becomes_a_verified_trainer_in_find_a_trainer(page, browser, tmp_path):
    page.route(re.compile(r"https://tile\.openstreetmap\.org/.*"), lambda route: route.abort())
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(COURSE)
    expect(page.get_by_role("heading", level=1)).to_have_text("R-Phase Certification")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-mini-cart]")).to_contain_text("$499.00 · 1 item")
    _sign_up_at_checkout(page, EMAIL)
    page.get_by_role("button", name="Pay $499.00").click()
    expect(page.get_by_role("heading", name="Test payment — no money moves")).to_be_visible()
    page.get_by_role("button", name="Pay $499.00").click()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"Order CH-\w+ is paid"))
    expect(page.get_by_role("link", name="R-Phase Certification")).to_be_visible()

    _lesson(page, "The nervous system first")
    _mark_complete(page)
    _lesson(page, "Joint mobility assessment")
    _mark_complete(page)
    _answer(
        page,
        "How the nervous system responds to a movement",
        "Drop it or change it, and retest",
    )
    for title in ("Vision and balance assessment", "Choosing the right drill"):
        _lesson(page, title)
        _mark_complete(page)

    # The last module opens a week after enrolling. The learning journey does not move time
    # forward, so the enrollment's granted_at (the state the release is computed from) is set
    # back eight days, as if the learner came back a week later.
    exam_lesson = "/courses/r-phase-certification/putting-it-together-with-a-client/"
    page.goto(exam_lesson)
    expect(page.locator(".lesson-locked__when time")).to_be_visible()
    Enrollment.objects.filter(user__email=EMAIL).update(
        granted_at=timezone.now() - timedelta(days=8)
    )
    page.goto(exam_lesson)
    expect(page.get_by_role("heading", level=1)).to_have_text("Putting it together with a client")
    _mark_complete(page)
    _answer(
        page,
        "The vestibular system",
        "Joint mobility",
        "Vision",
        "Balance",
        "Straight away, every time",
    )

    page.goto("/account/")
    page.get_by_role("main").get_by_role("link", name="Certificates", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My certificates")
    completion = page.locator(".card", has_text="R-Phase Certification · completed")
    expect(completion).to_be_visible()
    expect(page.locator(".card", has_text="R-Phase Certified · Valid")).to_be_visible()
    completion.get_by_role("link", name="Verification page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate of completion")
    expect(page.locator(".certificate-status").first).to_have_text("✓ Valid")
    expect(page.get_by_role("main")).to_contain_text("R-Phase Certification")

    page.goto("/account/")
    page.get_by_role("main").get_by_role("link", name="Create your trainer profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your trainer profile")
    form = page.locator("form.form")
    form.get_by_label("Name", exact=True).fill(TRAINER)
    form.get_by_label("City", exact=True).fill("Chicago")
    form.get_by_label("State or region").fill("IL")
    form.get_by_label("ZIP or postal code").fill("60614")
    form.get_by_label("Country", exact=True).fill("US")
    form.get_by_label("Bio").fill("Riley coaches R-Phase assessments in Lincoln Park.")
    form.get_by_label("Specialties").fill("Balance, Mobility")
    form.get_by_role("button", name="Send for review").click()
    expect(page.locator(".messages")).to_contain_text("an editor will review your profile")

    # The demo administrator (a moderator) approves the proposal in the admin.
    change = ProfileChange.objects.get(trainer__user__email=EMAIL)
    admin = sign_in_to_the_admin(browser, page.url.split("/account")[0], "admin@coachhouse.test")
    admin.goto(f"/admin/profile_change/edit/{change.pk}/")
    admin.get_by_role("combobox", name="Decision").select_option("approved")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.get_by_text(f"{TRAINER}: changes approved.")).to_be_visible()

    grant = CertificationGrant.objects.get(user__email=EMAIL)
    page.goto("/find-a-trainer/")
    page.get_by_label("Where", exact=True).fill("60614")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("of 60614"))).to_be_visible()
    card = page.locator(".trainer-card", has_text=TRAINER)
    badge = card.locator("a.tag--verified")
    expect(badge).to_contain_text("R-Phase Certified verified")
    expect(badge).to_have_attribute("href", grant.get_absolute_url())
    card.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "certification-pathway-find-a-trainer.png", full_page=True)
    badge.click()
    expect(page).to_have_url(re.compile(re.escape(grant.get_absolute_url()) + "$"))
    expect(page.locator(".certificate-status").first).to_have_text("✓ Valid")
    # The holder is the account's name (from checkout), not the profile's.
    expect(page.get_by_role("main")).to_contain_text("HolderBuyer")
    expect(page.get_by_role("main")).to_contain_text("R-Phase Certified")
    page.screenshot(path=tmp_path / "certification-pathway-verified.png", full_page=True)
    print(f"Screenshots in {tmp_path}")
