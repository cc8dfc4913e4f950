"""Money is integer cents in the site's one currency. Formatting and percent rounding live here."""

SYMBOLS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "EUR": "€", "GBP": "£"}


def format_money(cents: int, currency: str) -> str:
    """ "$1,234.50" for 123450 USD; a minus sign in front for negative amounts."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    amount = f"{units:,}.{rest:02d}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency}"


def percent_of(cents: int, percent: int) -> int:
    """`percent`% of a non-negative amount of cents, rounded half up to a whole cent."""
    if cents < 0 or not 0 <= percent <= 100:
        raise ValueError("percent_of takes a non-negative amount and a percent from 0 to 100")
    return (cents * percent + 50) // 100


def decimal_amount(cents: int) -> str:
    """ "1234.50" for 123450: the plain decimal string schema.org and feeds expect."""
    units, rest = divmod(cents, 100)
    return f"{units}.{rest:02d}"
