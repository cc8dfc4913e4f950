"""Failed code attempts (coupons, gift cards) counted per visitor, so codes cannot be guessed."""

from django.contrib import messages
from django.core.cache import cache

# Failed codes allowed per visitor (IP address) per hour, so codes cannot be guessed.
COUPON_ATTEMPTS_PER_HOUR = 20
GIFT_CARD_ATTEMPTS_PER_HOUR = 10


def attempts_key(request, kind: str) -> str:
    return f"shop:{kind}-failures:{request.META.get('REMOTE_ADDR', '')}"


def count_failure(key: str) -> None:
    cache.add(key, 0, timeout=60 * 60)
    cache.incr(key)


def rate_limited(
    request, key: str, *, limit: int = GIFT_CARD_ATTEMPTS_PER_HOUR, what: str = "gift card"
) -> bool:
    """True, with a message saying so, once this visitor has failed `limit` codes this hour."""
    if cache.get(key, 0) >= limit:
        messages.error(request, f"Too many {what} codes tried. Please try again in an hour.")
        return True
    return False
