"""How durations and ratings are written on course pages."""

import pytest

from courses.templatetags.courses import clock_duration, iso_duration, stars, total_duration


@pytest.mark.parametrize(
    "seconds, clock, iso",
    [
        (0, "0:00", "PT0S"),
        (5, "0:05", "PT5S"),
        (60, "1:00", "PT1M"),
        (372, "6:12", "PT6M12S"),
        (3600, "1:00:00", "PT1H"),
        (3725, "1:02:05", "PT1H2M5S"),
        (None, "0:00", "PT0S"),
    ],
)
def test_a_lesson_duration_is_a_clock_time_and_an_iso_duration(seconds, clock, iso):
    assert clock_duration(seconds) == clock
    assert iso_duration(seconds) == iso


@pytest.mark.parametrize(
    "seconds, words",
    [(0, "0 min"), (29, "0 min"), (2820, "47 min"), (4320, "1 h 12 min"), (7200, "2 h")],
)
def test_a_course_length_is_rounded_to_the_minute_in_words(seconds, words):
    assert total_duration(seconds) == words


@pytest.mark.parametrize(
    "rating, picture", [(1, "★☆☆☆☆"), (4, "★★★★☆"), (5, "★★★★★"), (9, "★★★★★"), (None, "☆☆☆☆☆")]
)
def test_a_rating_is_drawn_as_five_stars(rating, picture):
    assert stars(rating) == picture
