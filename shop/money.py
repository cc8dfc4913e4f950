"""Money is integer minor units in the site's one currency. Formatting and percent rounding
live here, and so does how many decimals a currency has (Babel's CLDR data)."""

from functools import lru_cache

from babel.numbers import get_currency_precision, list_currencies

SYMBOLS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "EUR": "€", "GBP": "£"}


@lru_cache(maxsize=64)
def currency_exponent(currency: str) -> int:
    """How many decimals the currency's minor unit has: 2 for USD, 0 for JPY, 3 for KWD.
    Raises ValueError for a code Babel does not know."""
    if currency.upper() not in list_currencies():
        raise ValueError(f"{currency!r} is not a currency code")
    return get_currency_precision(currency.upper())


def format_money(cents: int, currency: str) -> str:
    """ "$1,234.50" for 123450 USD, "1,234 JPY" for 1234 JPY; a minus sign in front for
    negative amounts. `cents` are the currency's minor units."""
    sign = "-" if cents < 0 else ""
    exponent = currency_exponent(currency)
    units, rest = divmod(abs(cents), 10**exponent)
    amount = f"{units:,}.{rest:0{exponent}d}" if exponent else f"{units:,}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency}"


def format_money_short(cents: int, currency: str) -> str:
    """Whole amounts without their zero decimals, as headlines say them: "$100"."""
    text = format_money(cents, currency)
    exponent = currency_exponent(currency)
    if exponent and cents % 10**exponent == 0:
        return text.replace("." + "0" * exponent, "", 1)
    return text


def percent_of(cents: int, percent: int) -> int:
    """`percent`% of a non-negative amount of cents, rounded half up to a whole cent."""
    if cents < 0 or not 0 <= percent <= 100:
        raise ValueError("percent_of takes a non-negative amount and a percent from 0 to 100")
    return (cents * percent + 50) // 100


def decimal_amount(cents: int) -> str:
    """ "1234.50" for 123450: the plain decimal string schema.org and feeds expect."""
    units, rest = divmod(cents, 100)
    return f"{units}.{rest:02d}"
