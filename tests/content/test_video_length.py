"""A video's length: typed by editors as a clock reading, shown on the facade, given to search
engines as an ISO 8601 duration."""

import pytest

from website.content.blocks import length_error
from website.content.video import MAX_VIDEO_SECONDS, clock_label, iso_duration, parse_clock


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0:01", 1),
        ("4:05", 245),
        (" 12:30 ", 750),
        ("75:00", 4500),
        ("999:59", 59999),
        ("1:02:03", 3723),
        ("10:00:00", 36000),
    ],
)
def test_clock_readings_are_read_as_seconds(text, seconds):
    assert parse_clock(text) == seconds


@pytest.mark.parametrize(
    "text",
    ["", "12", "12:5", "12:60", "1:60:00", "1:5:00", "-1:00", "+1:00", "1.5:00", "1:00:00:00",
     "1000:00", "123:00:00", "１２:３０", "12:30s", "::"],
)  # fmt: skip
def test_anything_but_a_clock_reading_is_not_a_length(text):
    assert parse_clock(text) is None


@pytest.mark.parametrize(
    ("seconds", "label", "iso"),
    [
        (1, "0:01", "PT1S"),
        (60, "1:00", "PT1M"),
        (245, "4:05", "PT4M5S"),
        (3600, "1:00:00", "PT1H"),
        (3723, "1:02:03", "PT1H2M3S"),
        (4500, "1:15:00", "PT1H15M"),
    ],
)
def test_a_length_reads_as_a_clock_on_the_poster_and_as_iso_8601_for_machines(seconds, label, iso):
    assert clock_label(seconds) == label
    assert iso_duration(seconds) == iso
    assert parse_clock(label) == seconds


def test_the_longest_accepted_length_is_ten_hours():
    assert MAX_VIDEO_SECONDS == 36000
    assert length_error("10:00:00") is None
    assert "longer than 10 hours" in length_error("10:00:01")
