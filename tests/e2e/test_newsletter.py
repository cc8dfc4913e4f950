import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from website.newsletter.models import Subscriber


@pytest.fixture
def subscribers():
    """Subscriber rows, read while Playwright's event loop runs in this thread.

    The connection those reads open otherwise outlives the session and, on PostgreSQL,
    stops pytest-django from dropping the test database; so it is closed here.
    """
    yield Subscriber.objects
    connection.close()


def test_footer_signup_with_javascript_shows_the_message_in_place(page, subscribers):
    page.goto("/")
    footer = page.locator("footer")
    footer.get_by_label("E-mail address").fill("walker@example.com")
    footer.get_by_label("First name").fill("Wren")
    footer.get_by_role("button", name="Sign up").click()

    expect(footer.get_by_role("status")).to_have_text(re.compile("confirm your subscription"))
    expect(footer.get_by_role("button", name="Sign up")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/$"))
    subscriber = subscribers.get(email="walker@example.com")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.source_page.url_path == "/home/"


def test_footer_signup_with_javascript_shows_field_errors_in_place(page, subscribers):
    page.goto("/")
    footer = page.locator("footer")
    footer.get_by_label("E-mail address").fill("walker@example.com")
    # maxlength stops typing past 100 characters; a pasted-in script could still send more.
    footer.get_by_label("First name").evaluate("input => input.removeAttribute('maxlength')")
    footer.get_by_label("First name").fill("W" * 10_000)
    footer.get_by_role("button", name="Sign up").click()

    expect(footer.get_by_label("First name")).to_have_attribute("aria-invalid", "true")
    expect(footer.locator("#footer-signup-first-name-errors")).to_contain_text(
        "at most 100 characters"
    )
    assert not subscribers.filter(email="walker@example.com").exists()
