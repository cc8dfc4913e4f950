"""Failed code attempts (coupons, gift cards), counted by the site's one limiter."""

from django.contrib import messages

from website import ratelimits


def rate_limited(request, action: str, *, what: str) -> bool:
    """True, with a message saying so, once this visitor has failed too many codes."""
    if ratelimits.limit_reached(request, action):
        messages.error(request, f"Too many {what} codes tried. Please try again in an hour.")
        return True
    return False
