import pytest
from django.template import Context, Template

from shop.money import currency_exponent, format_money, format_money_short, percent_of


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
        (0, "JPY", "0 JPY"),
        (1234567, "JPY", "1,234,567 JPY"),
        (-5, "JPY", "-5 JPY"),
        (1, "KWD", "0.001 KWD"),
        (1234567, "KWD", "1,234.567 KWD"),
        (-1000, "KWD", "-1.000 KWD"),
    ],
)
def test_money_is_formatted_from_integer_minor_units(cents, currency, text):
    assert format_money(cents, currency) == text


@pytest.mark.parametrize(
    ("currency", "exponent"), [("USD", 2), ("usd", 2), ("EUR", 2), ("JPY", 0), ("KWD", 3)]
)
def test_the_currency_exponent_comes_from_babels_data(currency, exponent):
    assert currency_exponent(currency) == exponent


def test_an_unknown_currency_has_no_exponent():
    with pytest.raises(ValueError, match="XYZ"):
        currency_exponent("XYZ")


@pytest.mark.parametrize(
    ("cents", "currency", "text"),
    [
        (10000, "USD", "$100"),
        (10050, "USD", "$100.50"),
        (10001, "USD", "$100.01"),
        (100000, "KWD", "100 KWD"),
        (100010, "KWD", "100.010 KWD"),
        (100, "JPY", "100 JPY"),
    ],
)
def test_short_money_drops_only_all_zero_decimals(cents, currency, text):
    assert format_money_short(cents, currency) == text


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
