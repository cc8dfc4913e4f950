"""The episode page makes no request to a video provider until the visitor presses play."""

import re
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest

from tests.conftest import SITE_URL

pytestmark = pytest.mark.django_db

OWN_HOSTS = {"testserver", "localhost", urlparse(SITE_URL).hostname, None}
URL = re.compile(r"https?://[^\s\"'<>]+")


class _ThirdPartyUrls(HTMLParser):
    """Third-party URLs by where they occur; JSON-LD blocks are data, never fetched."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_data_block = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._in_data_block = tag == "script" and attrs.get("type") == "application/ld+json"
        for name, value in attrs.items():
            for url in URL.findall(value or ""):
                if urlparse(url).hostname not in OWN_HOSTS:
                    self.found.append((tag, name, url))

    def handle_endtag(self, tag):
        self._in_data_block = False

    def handle_data(self, data):
        if not self._in_data_block:
            self.found.extend(
                ("text", "", url)
                for url in URL.findall(data)
                if urlparse(url).hostname not in OWN_HOSTS
            )


def test_episode_403_has_third_party_urls_only_in_the_facade_data_and_plain_links(client, seeded):
    response = client.get("/episodes/backward-walking-for-back-pain/")
    parser = _ThirdPartyUrls()
    parser.feed(response.content.decode())

    places = {(tag, attribute) for tag, attribute, _ in parser.found}
    assert places == {("button", "data-video-embed"), ("a", "href")}
    assert "<iframe" not in response.content.decode()


def test_the_facade_carries_the_privacy_enhanced_player_url_for_the_click_handler(client, seeded):
    html = client.get("/episodes/backward-walking-for-back-pain/").content.decode()

    assert (
        'data-video-embed="https://www.youtube-nocookie.com/embed/demo-ep-403?autoplay=1&amp;rel=0"'
        in html
    )
    assert re.search(r'<script src="/static/js/video-facade.js" defer></script>', html)


def test_the_facade_shows_the_video_length_as_a_time_element_inside_its_button(client, seeded):
    html = client.get("/episodes/backward-walking-for-back-pain/").content.decode()
    facade = re.search(r'<button type="button" class="video__facade".*?</button>', html, re.S)[0]

    assert re.search(
        r'<span class="video__length"><span class="visually-hidden">Length </span>'
        r'<time datetime="PT6M48S">6:48</time></span>',
        facade,
    )


def test_course_trailers_and_lessons_show_their_length_on_the_facade(client, seeded):
    from courses.models import LessonPage
    from website.content.video import clock_label, iso_duration

    course = client.get("/courses/the-balance-gym/").content.decode()
    lesson = LessonPage.objects.live().filter(is_free_preview=True).first()
    lesson_html = client.get(lesson.url).content.decode()

    assert '<time datetime="PT1M30S">1:30</time>' in course
    seconds = lesson.duration_seconds
    assert f'<time datetime="{iso_duration(seconds)}">{clock_label(seconds)}</time>' in lesson_html
