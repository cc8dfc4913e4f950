"""The site's one rate limiter, and the one function that says who the client is.

Limits live in one settings table, `RATE_LIMITS`, as allauth writes its own
(`ACCOUNT_RATE_LIMITS`, which keeps guarding logins, sign-ups and password resets):

    RATE_LIMITS = {"gift_card_code": "10/h/visitor,50/h/ip", "newsletter_signup": "5/h/ip"}

Each comma-separated rate is `amount/period/scope`: the period is `s`, `m`, `h` or `d`,
optionally with a number (`15m`); the scope is `ip` (the client address, see `client_ip`;
IPv6 counted per /64 network) or `visitor` (the signed-in account, else the browser's session).
A request is limited once any of its rates is spent. Keying code guesses on the visitor as well
as the address means one visitor's bad codes do not block another customer behind the same
address, while the (looser) address rate still stops a guesser who throws cookies away.

Counters are fixed windows in Django's cache (Redis once there is more than one app server,
where `add` + `incr` are atomic). If the cache is down, limits fail open (docs/decisions.md).
"""

import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from functools import cache as memoize

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

_PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
_SCOPES = ("ip", "visitor")
_VISITOR_SESSION_KEY = "ratelimit_visitor"


@dataclass(frozen=True)
class Rate:
    amount: int
    seconds: int
    scope: str


@memoize
def parse_rates(text: str) -> tuple[Rate, ...]:
    """`"10/h/visitor,50/h/ip"` → its rates; ImproperlyConfigured naming what is wrong."""
    rates = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            amount, period, scope = part.split("/")
            unit, count = period[-1], period[:-1] or "1"
            rate = Rate(int(amount), int(count) * _PERIODS[unit], scope)
        except (ValueError, KeyError, IndexError):
            raise ImproperlyConfigured(
                f"RATE_LIMITS: {part!r} is not amount/period/scope, e.g. 5/h/ip"
            ) from None
        if scope not in _SCOPES or rate.amount < 1 or rate.seconds < 1:
            raise ImproperlyConfigured(
                f"RATE_LIMITS: {part!r} needs a positive amount and period and a scope of "
                + " or ".join(_SCOPES)
            )
        rates.append(rate)
    return tuple(rates)


def _rates(action: str) -> tuple[Rate, ...]:
    try:
        return parse_rates(settings.RATE_LIMITS[action])
    except KeyError:
        raise ImproperlyConfigured(f"RATE_LIMITS has no entry for {action!r}") from None


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the client, honouring `X-Forwarded-For` only from our own proxies.

    With `TRUSTED_PROXY_COUNT = 0` (the default) it is `REMOTE_ADDR`: the header is the
    client's to write, so it is ignored. Behind N proxies of ours, each appends the address it
    saw, so the N-th entry from the right is what the outermost of them saw; entries further
    left are the client's own and never trusted. A header shorter than N (a request that came
    round a proxy) gives its leftmost entry; a malformed one gives `REMOTE_ADDR`.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if not hops:
        return remote
    return _valid_ip(hops[-min(trusted, len(hops))]) or remote


def _ip_key(request: HttpRequest) -> str:
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:  # one subscriber holds a whole /64
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address


def _visitor_key(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    session = getattr(request, "session", None)
    if session is None:
        return "ip:" + _ip_key(request)
    # A random id in the session (saved with it, kept across the login's key rotation).
    visitor = session.get(_VISITOR_SESSION_KEY)
    if visitor is None:
        visitor = session[_VISITOR_SESSION_KEY] = secrets.token_hex(16)
    return f"session:{visitor}"


def _cache_key(request: HttpRequest, action: str, rate: Rate) -> str:
    who = _ip_key(request) if rate.scope == "ip" else _visitor_key(request)
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]
    return f"ratelimit:{action}:{rate.amount}/{rate.seconds}/{rate.scope}:{digest}"


def _increment(key: str, seconds: int) -> int:
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count or 0  # None: the cache is down, and limits fail open


def limit_reached(request: HttpRequest, action: str) -> bool:
    """True once any of `action`'s counters for this client is spent; counts nothing."""
    return any(
        (cache.get(_cache_key(request, action, rate)) or 0) >= rate.amount
        for rate in _rates(action)
    )


def count(request: HttpRequest, action: str) -> None:
    """Count one more (e.g. one failed code) against every rate of `action` for this client."""
    for rate in _rates(action):
        _increment(_cache_key(request, action, rate), rate.seconds)


def attempt(request: HttpRequest, action: str) -> bool:
    """Count this attempt; False (refuse it) once it goes past any of `action`'s rates."""
    counts = [
        (_increment(_cache_key(request, action, rate), rate.seconds), rate)
        for rate in _rates(action)
    ]
    return all(n <= rate.amount for n, rate in counts)
