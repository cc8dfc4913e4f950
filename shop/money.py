"""Money is integer minor units in the site's one currency. Formatting and percent rounding
live here, and so does how many decimals a currency has (Babel's CLDR data)."""

import re
from functools import lru_cache

from babel.numbers import get_currency_name, get_currency_precision, list_currencies

SYMBOLS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "EUR": "€", "GBP": "£"}

# The largest amount anyone types into the admin: $1,000,000.00. No course price, coupon or
# gift card of this store comes near it, so anything above is a slip of the keyboard (an
# amount typed in cents, a pasted number), refused before it reaches a 32-bit column.
MONEY_INPUT_MAX_CENTS = 100_000_000

# Digits (ASCII only: `\d` would take Arabic-Indic digits too), with optional thousands
# commas in groups of three, then an optional point and decimals.
_AMOUNT = re.compile(r"(?P<units>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.(?P<decimals>[0-9]*))?")


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


def decimal_amount(cents: int, currency: str = "USD") -> str:
    """ "1234.50" for 123450: the plain decimal string schema.org, feeds and the admin's money
    inputs expect (no symbol, no thousands separators; the currency's own decimals)."""
    exponent = currency_exponent(currency)
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 10**exponent)
    return f"{sign}{units}.{rest:0{exponent}d}" if exponent else f"{sign}{units}"


def currency_name_plural(currency: str) -> str:
    """ "US dollars" for USD, "euros" for EUR: how the admin says which money to type."""
    return get_currency_name(currency.upper(), count=2, locale="en")


def parse_money(text: str, currency: str, *, max_cents: int = MONEY_INPUT_MAX_CENTS) -> int:
    """An amount typed in the currency's major units, as integer minor units: "49.99" → 4999.

    Takes "49", "49.9", "49.99", ".5", "1,234.50" and an optional symbol or code ("$49",
    "49 USD"). Never goes through a float. Raises ValueError with the sentence to show for
    anything else: not a number, a negative amount, more decimals than the currency has, a
    decimal comma, or more than `max_cents`.
    """
    code = currency.upper()
    exponent = currency_exponent(code)
    raw = (text or "").strip().replace("\u00a0", " ")
    symbol = SYMBOLS.get(code, "")
    for affix in filter(None, (symbol, code, "$" if symbol.endswith("$") else "")):
        if raw.upper().startswith(affix):
            raw = raw[len(affix) :].strip()
        if raw.upper().endswith(affix):
            raw = raw[: -len(affix)].strip()
    if raw.startswith(("-", "\u2212")) or raw.endswith("-"):
        raise ValueError("An amount cannot be negative.")
    match = _AMOUNT.fullmatch(raw)
    if not raw or not match or not (match["units"] or match["decimals"]):
        if re.fullmatch(r"[0-9]+,[0-9]{1,2}", raw):
            raise ValueError(f"Use a point for the decimals: {raw.replace(',', '.')}.")
        raise ValueError(f"Enter an amount in {currency_name_plural(code)}, such as 49.99.")
    decimals = match["decimals"] or ""
    if len(decimals) > exponent:
        raise ValueError(
            f"Give at most {exponent} decimals (whole cents), such as 49.99."
            if exponent
            else "Give a whole amount, without decimals."
        )
    units = int(match["units"].replace(",", "") or 0)
    cents = units * 10**exponent + int(decimals.ljust(exponent, "0") or 0)
    if cents > max_cents:
        raise ValueError(
            f"That is more than {format_money(max_cents, code)}: "
            f"type the amount in {currency_name_plural(code)}, not cents."
        )
    return cents
