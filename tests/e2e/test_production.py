"""The site as a deployment runs it: gunicorn, DEBUG off, collected hashed static, on its own port.

`make serve` in a throwaway folder: a fresh SQLite database with the demo, `collectstatic` with
the manifest storage, gunicorn on a port that is not the default, and SITE_URL naming that
port as the Makefile does. A visitor's browser then walks every public page type; not one
same-origin response may be an error and the console must stay clean. Requests to other
origins (map tiles) are answered locally with an empty image, since tests never use the network.
"""

import base64
import os
import re
from email import message_from_bytes
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from bench.loadtest import server
from tests.e2e.conftest import RESULTS

# A 1x1 transparent PNG: what a map tile request gets instead of the network.
EMPTY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@pytest.fixture(scope="module")
def production_site(tmp_path_factory, chromium):
    """(base URL, mail folder) of the demo under gunicorn with production static handling.

    It asks for Chromium first, so without one it skips (or fails in CI) before building.
    """
    folder = tmp_path_factory.mktemp("production")
    port = int(os.environ.get("E2E_SERVER_PORT") or 0) or server.free_port()
    url = f"http://127.0.0.1:{port}"
    env = server.site_environment(
        f"sqlite:///{folder / 'db.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        # Three slashes and an absolute path: django-environ reads the path after the third.
        EMAIL_URL=f"filemail:///{folder / 'mail'}",
        SITE_URL=url,
    )
    server.prepare_site(env)
    with server.gunicorn(env, "production", port=port, log_dir=folder) as base_url:
        yield base_url, folder / "mail"


class Visitor:
    """One browser tab that records every same-origin error response and console error."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.origin = base_url
        self.problems: list[str] = []
        page.on("response", self._response)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"), self._elsewhere)

    def _response(self, response):
        if response.url.startswith(self.origin) and response.status >= 400:
            self.problems.append(f"{response.status} {response.url}")

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console: {message.text} ({self.page.url})")

    @staticmethod
    def _elsewhere(route):
        route.fulfill(status=200, content_type="image/png", body=EMPTY_PNG)

    def visit(self, path: str, name: str):
        response = self.page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        self.page.wait_for_load_state("networkidle")
        RESULTS.joinpath("production").mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=RESULTS / "production" / f"{name}.png", full_page=True)


@pytest.fixture
def visitor(production_site, chromium):
    """A tab of the run's one Chromium on the production site, in a context of its own."""
    base_url, _ = production_site
    context = chromium.new_context(base_url=base_url)
    page = context.new_page()
    # A bound on how long an effect may take to appear, as in every browser test.
    page.set_default_timeout(30_000)
    yield Visitor(page, base_url)
    context.close()


def _first_href(page, selector: str) -> str:
    return urlsplit(page.locator(selector).first.get_attribute("href")).path


def test_every_public_page_type_loads_without_errors_under_production_settings(visitor):
    page = visitor.page
    visitor.visit("/", "home")
    visitor.visit("/episodes/backward-walking-for-back-pain/", "episode")
    expect(page.locator("img[src*='/media/images/']").first).to_be_visible()
    visitor.visit("/articles/", "articles")
    article = _first_href(page, "main a[href^='/articles/']:not([href*='category'])")
    category = _first_href(page, "main a[href^='/articles/category/']")
    visitor.visit(article, "article")
    visitor.visit(category, "category")
    visitor.visit("/courses/", "course-index")
    visitor.visit("/courses/the-balance-gym/", "course")
    visitor.visit("/find-a-trainer/?q=60601", "find-a-trainer")
    markers = page.locator(".leaflet-marker-icon")
    expect(markers.first).to_be_visible()
    assert markers.first.evaluate("img => img.complete && img.naturalWidth > 0")
    profile = _first_href(
        page, "main a[href^='/find-a-trainer/'][href$='/']:not([href='/find-a-trainer/'])"
    )
    visitor.visit(profile, "trainer-profile")
    visitor.visit("/shop/gift-cards/", "gift-cards")
    visitor.visit("/search/?q=balance", "search")
    visitor.visit("/account/login/", "login")
    visitor.visit("/account/signup/", "signup")
    visitor.visit("/courses/the-balance-gym/", "course-again")
    page.get_by_role("button", name=re.compile("Add to cart", re.I)).first.click()
    page.wait_for_load_state("networkidle")
    visitor.visit("/shop/cart/", "cart")
    expect(page.get_by_text("The Balance Gym").first).to_be_visible()
    assert visitor.problems == []


def _sent_mail(folder: Path, to: str):
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for raw in path.read_bytes().split(b"-" * 79):
            message = message_from_bytes(raw.strip())
            if to in (message["To"] or ""):
                yield message


def _text_body(message) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    return "".join(
        part.get_payload(decode=True).decode()
        for part in parts
        if part.get_content_type() == "text/plain"
    )


def test_emails_sent_while_the_site_runs_on_another_port_link_to_that_port(
    visitor, production_site
):
    base_url, mail_folder = production_site
    page = visitor.page
    visitor.visit("/account/signup/", "signup-form")
    page.get_by_label("Email").fill("port-check@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a-long-pass-phrase")
    page.get_by_label(re.compile(r"^Password \(again\)")).fill("a-long-pass-phrase")
    page.get_by_role("main").get_by_role("button", name="Sign Up").click()
    page.wait_for_load_state("networkidle")
    [message] = list(_sent_mail(mail_folder, "port-check@example.com"))
    body = _text_body(message)
    assert "Hello from Coachhouse!" in body
    links = re.findall(r"https?://\S+", body)
    assert links
    assert all(link.startswith(base_url + "/") or link == base_url for link in links), links
    confirm = next(link for link in links if "/account/confirm-email/" in link)
    visitor.visit(urlsplit(confirm).path, "confirm-email")
    expect(page.get_by_role("button", name=re.compile("Confirm", re.I))).to_be_visible()
    assert visitor.problems == []


def test_a_clip_url_opens_the_episode_with_the_player_at_that_moment(visitor):
    page = visitor.page
    visitor.visit("/episodes/backward-walking-for-back-pain/?t=65", "episode-clip")
    page.locator("button[data-video-embed]").click()
    expect(page.locator("iframe.video__iframe")).to_have_attribute("src", re.compile(r"start=65"))
    assert visitor.problems == []


def test_on_a_phone_the_map_leaves_the_results_alone_and_the_menu_opens_from_the_keyboard(
    visitor,
):
    page = visitor.page
    page.set_viewport_size({"width": 390, "height": 844})
    visitor.visit("/find-a-trainer/?q=60601", "phone-find-a-trainer")
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    map_box = page.locator("#trainer-map").bounding_box()
    first = page.locator(".trainer-card").first.bounding_box()
    overlap = (
        map_box["y"] < first["y"] + first["height"]
        and first["y"] < map_box["y"] + map_box["height"]
    )
    assert not overlap, (map_box, first)
    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name=re.compile("^Cart"))).to_be_visible()
    expect(header.get_by_role("searchbox")).to_be_visible()
    episodes = page.get_by_role("navigation", name="Main").get_by_role("link", name="Episodes")
    expect(episodes).to_be_hidden()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "nav-toggle":
            break
    assert page.evaluate("document.activeElement.id") == "nav-toggle"
    page.keyboard.press("Space")
    expect(episodes).to_be_visible()
    assert visitor.problems == []


def test_on_a_desktop_the_map_stays_in_view_while_the_results_scroll(visitor):
    page = visitor.page
    page.set_viewport_size({"width": 1280, "height": 800})
    visitor.visit("/find-a-trainer/?q=60601", "desktop-find-a-trainer")
    trainer_map = page.locator("#trainer-map")
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    assert trainer_map.evaluate("element => getComputedStyle(element).position") == "sticky"
    page.locator(".trainer-list .trainer-card").nth(6).scroll_into_view_if_needed()
    box = trainer_map.bounding_box()
    assert 0 <= box["y"] < 800, box
    assert visitor.problems == []
