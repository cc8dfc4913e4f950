import pytest
from django.template import Context, Template

from shop.money import format_money, percent_of


@pytest.mark.parametrize(
    ("cents", "currency", "text"),
    [
        (0, "USD", "$0.00"),
        (5, "USD", "$0.05"),
        (14900, "USD", "$149.00"),
        (123456789, "USD", "$1,234,567.89"),
        (-1490, "USD", "-$14.90"),
        (1000, "EUR", "€10.00"),
        (1000, "SEK", "10.00 SEK"),
    ],
)
def test_money_is_formatted_from_integer_cents(cents, currency, text):
    assert format_money(cents, currency) == text


@pytest.mark.parametrize(
    ("cents", "percent", "result"),
    [
        (0, 10, 0),
        (4, 10, 0),  # 0.4 cents rounds down
        (5, 10, 1),  # exactly half a cent rounds up
        (15, 10, 2),  # 1.5 rounds up, never to even
        (14900, 10, 1490),
        (1999, 15, 300),  # 299.85
        (1, 100, 1),
        (12345, 0, 0),
        (12345, 100, 12345),
    ],
)
def test_percent_of_rounds_half_up_to_the_cent(cents, percent, result):
    assert percent_of(cents, percent) == result


@pytest.mark.parametrize(("cents", "percent"), [(-1, 10), (100, 101), (100, -1)])
def test_percent_of_refuses_negative_amounts_and_percents_outside_0_to_100(cents, percent):
    with pytest.raises(ValueError):
        percent_of(cents, percent)


def test_money_filter_formats_in_the_site_currency(settings):
    settings.SITE_CURRENCY = "GBP"
    assert Template("{% load money %}{{ 250|money }}").render(Context()) == "£2.50"
