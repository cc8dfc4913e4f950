"""The editor's journey in the Wagtail admin: draft, preview, submit, a moderator publishes."""

import re

from playwright.sync_api import expect

from website.content.models import EpisodePage

TITLE = "Walking on Uneven Ground"


def sign_in_to_the_admin(browser, base_url, email):
    context = browser.new_context(base_url=base_url)
    admin = context.new_page()
    admin.set_default_timeout(15_000)
    # The admin has no login form of its own: it hands over to the site's login and back.
    admin.goto("/admin/")
    expect(admin).to_have_url(re.compile(r"/account/login/\?next="))
    admin.get_by_label("Email").fill(email)
    admin.get_by_label("Password").fill("coachhouse-demo")
    admin.get_by_role("button", name="Sign In").click()
    expect(admin.get_by_role("heading", name=re.compile("Coachhouse"))).to_be_visible()
    return admin


def test_an_editor_drafts_previews_and_submits_an_episode_and_a_moderator_publishes_it(
    page, browser, live_server
):
    editor = sign_in_to_the_admin(browser, live_server.url, "editor@coachhouse.test")
    index = EpisodePage.objects.first().get_parent()
    editor.goto(f"/admin/pages/add/content/episodepage/{index.id}/")
    editor.get_by_role("textbox", name="Title*").fill(TITLE)
    editor.get_by_role("spinbutton", name="Episode number*").fill("404")
    # Typed straight into the field: the date picker's pop-up would cover the footer buttons.
    editor.locator("#id_date").evaluate("(field) => { field.value = '2026-11-24'; }")
    editor.get_by_role("textbox", name="Summary").fill(
        "Why stepping on grass and gravel trains your balance."
    )
    editor.get_by_role("button", name="Save draft").click()
    expect(editor.get_by_text(re.compile(f"Page '{TITLE} – Episode 404' created"))).to_be_visible()

    episode = EpisodePage.objects.get(number=404)
    assert not episode.live
    editor.goto(f"/admin/pages/{episode.id}/view_draft/")
    expect(editor.get_by_role("heading", level=1)).to_have_text(f"{TITLE} – Episode 404")

    editor.goto(f"/admin/pages/{episode.id}/edit/")
    editor.get_by_role("button", name="More actions").click()
    editor.get_by_role("button", name="Submit to Moderators approval").click()
    expect(editor.locator(".messages")).to_contain_text("has been submitted for moderation")
    page.goto("/episodes/walking-on-uneven-ground/")
    expect(page.get_by_role("heading", name="We can’t find that page")).to_be_visible()

    moderator = sign_in_to_the_admin(browser, live_server.url, "admin@coachhouse.test")
    moderator.goto(f"/admin/pages/{episode.id}/edit/")
    moderator.get_by_role("button", name="More actions").click()
    moderator.get_by_role("button", name="Approve and Publish", exact=True).click()
    expect(moderator.locator(".messages")).to_contain_text(
        f"'{TITLE} – Episode 404' has been updated"
    )

    page.goto("/episodes/")
    page.get_by_role("link", name=re.compile(TITLE)).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{TITLE} – Episode 404")
