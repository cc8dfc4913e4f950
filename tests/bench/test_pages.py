"""The load test sorts the sitemap's paths into the kinds of page its content mix visits."""

import pytest

from bench.loadtest.pages import page_kind


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/", "home"),
        ("/episodes/", "episodes index"),
        ("/episodes/backward-walking-for-back-pain/", "episode"),
        ("/articles/", "articles index"),
        ("/articles/getting-started-with-retro-walking/", "article"),
        ("/articles/category/balance/", "category"),
        ("/courses/the-balance-gym/", "course"),
    ],
)
def test_each_content_path_has_its_kind(path, kind):
    assert page_kind(path) == kind


@pytest.mark.parametrize("path", ["/courses/", "/courses/the-balance-gym/welcome/"])
def test_course_index_and_lessons_are_left_out_of_the_mix(path):
    assert page_kind(path) is None
