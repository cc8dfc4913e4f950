import re

from django.core import mail
from playwright.sync_api import expect

from trainers.models import Inquiry


def test_visitor_finds_a_trainer_by_zip_and_sends_a_message(page):
    # Map tiles come from OpenStreetMap in a real browser; tests stay offline.
    page.route(re.compile(r"https://tile\.openstreetmap\.org/.*"), lambda route: route.abort())
    page.goto("/find-a-trainer/")
    page.get_by_label("Where", exact=True).fill("60601")
    page.get_by_label("Within", exact=True).select_option("10")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    results = page.get_by_role("heading", level=2, name=re.compile("within 10 mi of 60601"))
    expect(results).to_be_visible()
    near_count = page.locator(".trainer-list > li").count()

    page.get_by_label("Within", exact=True).select_option("50")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(
        page.get_by_role("heading", level=2, name=re.compile("within 50 mi of 60601"))
    ).to_be_visible()
    assert page.locator(".trainer-list > li").count() >= max(near_count, 5)
    expect(page.locator("#trainer-map .leaflet-marker-icon").first).to_be_visible()

    page.get_by_label("Certification").select_option(label="I-Phase")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    cards = page.locator(".trainer-list .trainer-card")
    expect(cards.first).to_be_visible()
    for text in cards.all_inner_texts():
        assert "I-Phase" in text

    first = cards.first.get_by_role("link")
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()

    page.get_by_label("Your name").fill("Pat Visitor")
    page.get_by_label("Your email").fill("pat@visitor.example")
    page.get_by_label("Message", exact=True).fill("Hello! Do you have time on Saturdays?")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text(f"your message is on its way to {name}")).to_be_visible()
    inquiry = Inquiry.objects.get()
    assert (inquiry.trainer.name, inquiry.email) == (name, "pat@visitor.example")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [inquiry.trainer.email]


def test_use_my_location_searches_around_the_browsers_position(page):
    page.route(re.compile(r"https://tile\.openstreetmap\.org/.*"), lambda route: route.abort())
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 42.0451, "longitude": -87.6877})  # Evanston, IL
    page.goto("/find-a-trainer/")
    page.get_by_role("button", name="Use my location").click()
    heading = page.get_by_role("heading", level=2, name=re.compile("within 50 mi of your location"))
    expect(heading).to_be_visible()
    expect(page.locator(".trainer-card__meta").first).to_contain_text("Evanston, IL")
