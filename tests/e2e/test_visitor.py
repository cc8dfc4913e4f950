"""A visitor's journey: home, episode 403, the video, a highlight, a category, search."""

import re

from playwright.sync_api import expect

PROVIDERS = re.compile(
    r"^https?://([^/]*\.)?(youtube|youtube-nocookie|ytimg|googlevideo|vimeo|vimeocdn)\.com/"
)


def test_visitor_watches_episode_403_browses_by_category_searches_and_signs_up(page):
    provider_requests = []

    def refuse(route):
        provider_requests.append(route.request.url)
        route.abort()

    page.route(PROVIDERS, refuse)

    page.goto("/")
    page.get_by_role("link", name="Backward Walking for Back Pain – Episode 403").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Backward Walking for Back Pain – Episode 403"
    )
    expect(page.get_by_role("heading", name="Video Highlights")).to_be_visible()
    page.wait_for_load_state("load")
    assert provider_requests == [], "the facade must not contact the provider before play"

    page.get_by_role("button", name=re.compile("Play video")).click()
    player = page.locator("iframe.video__iframe")
    expect(player).to_have_attribute(
        "src", re.compile(r"youtube-nocookie\.com/embed/demo-ep-403\?autoplay=1")
    )

    page.get_by_role("button", name=re.compile("Benefits of retro-walking")).click()
    expect(player).to_have_attribute("src", re.compile(r"&start=65$"))

    page.get_by_role("navigation", name="Explore articles by category").get_by_role(
        "link", name="Back Pain"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Back Pain")
    expect(
        page.get_by_role("link", name="Backward Walking for Back Pain – Episode 403")
    ).to_be_visible()
    expect(
        page.get_by_role("link", name="Why Your Back Pain Might Be a Balance Problem")
    ).to_be_visible()

    page.goto("/search/")
    page.get_by_label("Search episodes, articles and courses").fill("vestibular")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.locator(".search-count")).to_contain_text("for “vestibular”")
    expect(
        page.get_by_role("link", name="Backward Walking for Back Pain – Episode 403")
    ).to_be_visible()

    footer = page.locator("footer")
    footer.get_by_label("E-mail address").fill("reader@example.com")
    footer.get_by_role("button", name="Sign up").click()
    expect(footer.get_by_role("status")).to_have_text(re.compile("confirm your subscription"))


def test_a_highlight_clicked_before_play_starts_the_video_at_that_moment(page):
    page.route(PROVIDERS, lambda route: route.abort())
    page.goto("/episodes/backward-walking-for-back-pain/")

    page.get_by_role("button", name=re.compile("Tips & progressions")).click()

    expect(page.locator("iframe.video__iframe")).to_have_attribute(
        "src", re.compile(r"&start=140$")
    )
