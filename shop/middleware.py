"""The header mini-cart's JSON, answered near the top of the stack from a stored answer.

Every page asks for it (pages are shared, the mini-cart is personal), so it is the request
the site answers most. The first answer for a visitor goes down the whole stack (sessions,
authentication, CSP, framing) and is stored as it left; repeats replay it before sessions,
CSRF or authentication run, with no query at all.

An answer belongs to the raw session and cart cookies that asked (another visitor's cookies
never name it) and is replayed only while every version it was made under still holds: the
cart's, the user's, the shop's prices and the content generation. Anything that can change
the numbers or who is signed in moves one of them (`connect_signals`): cart lines, the cart,
orders, enrollments, memberships, the user row (a password change ends their sessions),
logging in and out, prices. A signed-in answer is kept no longer than its session lives.
"""

import contextlib
import hashlib
from uuid import UUID, uuid4

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.urls import reverse

from shop.selectors import CART_COOKIE
from website.content.page_cache import content_generation

ENTRY_SECONDS = 60 * 60
VERSION_SECONDS = 60 * 60 * 24 * 30
SHOP_VERSION = "minicart:v:shop"
REMEMBERED_ANSWERS = 10_000


def cart_version_key(cart_id: int) -> str:
    return f"minicart:v:cart:{cart_id}"


def user_version_key(user_id: int) -> str:
    return f"minicart:v:user:{user_id}"


def token_version_key(token: str) -> str:
    return f"minicart:v:token:{token}"


def minicart_version_bump(*keys: str) -> None:
    """Every stored answer made under these versions is replayed no more, now and (for a
    transaction that rolls the change back or commits it later) once more after commit."""

    def bump():
        cache.set_many({key: uuid4().hex for key in keys}, VERSION_SECONDS)

    bump()
    transaction.on_commit(bump)


class MiniCartMiddleware:
    """Replays the stored mini-cart JSON of these cookies while its versions hold; on a miss the
    view answers and its response, as the whole stack finished it, is stored. Right below
    SecurityMiddleware, whose headers apply to a replay as to any response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = None
        # Per process: the version keys each stored answer depends on, so a hit reads the
        # answer and its versions in one round trip to the cache.
        self.version_names: dict[str, tuple[str, ...]] = {}

    def __call__(self, request):
        if self.path is None:
            self.path = reverse("shop:cart_summary")
        meta = request.META
        if (
            request.path_info != self.path
            or request.method != "GET"
            or "HTTP_IF_NONE_MATCH" in meta
            or "HTTP_IF_MODIFIED_SINCE" in meta
        ):
            return self.get_response(request)
        try:
            generation = content_generation()
        except DatabaseError:
            return self.get_response(request)
        key = _entry_key(meta)
        names = self.version_names.get(key, ())
        found = cache.get_many([key, *names])
        hit = found.get(key)
        if hit is not None and hit[3] == generation:
            headers, content, versions, _ = hit
            if tuple(versions) != names:
                found = cache.get_many(list(versions))
                self._remember(key, tuple(versions))
            if all(found.get(name) == value for name, value in versions.items()):
                return _replayed(headers, content)
        # The view reads the versions before it reads the database: a change in between moves
        # them after that read, so what is stored under them is never replayed.
        response = self.get_response(request)
        versions = getattr(request, "minicart_versions", None)
        if versions and response.status_code == 200 and not response.cookies:
            timeout = ENTRY_SECONDS
            if request.user.is_authenticated:
                timeout = min(timeout, request.session.get_expiry_age())
            if timeout > 0:
                headers = list(response.items())
                cache.set(key, (headers, response.content, versions, generation), timeout)
                self._remember(key, tuple(versions))
        return response

    def _remember(self, key: str, names: tuple[str, ...]) -> None:
        if len(self.version_names) >= REMEMBERED_ANSWERS:
            self.version_names.clear()
        self.version_names[key] = names


def _entry_key(meta) -> str:
    """The raw Cookie header names the answer: the same header always carries the same session
    and cart cookies (any other cookie in it only splits the answers further), and it needs no
    parsing. The host and gzip are part of it as they are of the response."""
    identity = "\n".join(
        [
            meta.get("HTTP_COOKIE", ""),
            meta.get("HTTP_HOST", ""),
            str("gzip" in meta.get("HTTP_ACCEPT_ENCODING", "")),
        ]
    )
    return f"minicart:entry:{hashlib.sha256(identity.encode()).hexdigest()}"


def _replayed(headers: list[tuple[str, str]], content: bytes) -> HttpResponse:
    return HttpResponse(content, headers=dict(headers))


def minicart_versions_note(request, *, cart=None) -> None:
    """The view says which versions its answer depends on, so the middleware above may store
    it under them: first the visitor's (before it looks the cart up), then, once found, the
    cart's (before it reads the lines). Missing versions are created."""
    if cart is not None:
        keys = [cart_version_key(cart.pk)]
    else:
        keys = [SHOP_VERSION]
        if request.user.is_authenticated:
            keys.append(user_version_key(request.user.pk))
        else:
            token = request.COOKIES.get(CART_COOKIE, "")
            with contextlib.suppress(ValueError):
                keys.append(token_version_key(str(UUID(token))))
    for key in keys:
        cache.add(key, uuid4().hex, VERSION_SECONDS)
    current = cache.get_many(keys)
    noted = getattr(request, "minicart_versions", {})
    if len(current) == len(keys) and (cart is None or noted):
        request.minicart_versions = {**noted, **current}
    else:
        request.minicart_versions = None


def _cart_changed(sender, instance, **kwargs) -> None:
    keys = [cart_version_key(instance.pk), token_version_key(str(instance.token))]
    if instance.user_id:
        keys.append(user_version_key(instance.user_id))
    minicart_version_bump(*keys)


def _line_changed(sender, instance, **kwargs) -> None:
    minicart_version_bump(cart_version_key(instance.cart_id))


def _user_row_changed(sender, instance, **kwargs) -> None:
    minicart_version_bump(user_version_key(instance.pk))


def _users_thing_changed(sender, instance, **kwargs) -> None:
    if getattr(instance, "user_id", None):
        minicart_version_bump(user_version_key(instance.user_id))


def _signed_in_or_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        minicart_version_bump(user_version_key(user.pk))


def _prices_changed(sender, **kwargs) -> None:
    minicart_version_bump(SHOP_VERSION)


def connect_signals() -> None:
    """Whatever can change a mini-cart answer moves a version it was stored under."""
    from courses.models import CoursePage, Enrollment
    from shop.models import (
        Cart,
        CartGiftCardLine,
        CartLine,
        CartPlanLine,
        GiftCardDenomination,
        Membership,
        MembershipPlan,
        Order,
    )

    def both(receiver, model, name):
        post_save.connect(receiver, sender=model, dispatch_uid=f"minicart:{name}:saved")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"minicart:{name}:deleted")

    both(_cart_changed, Cart, "cart")
    for model in (CartLine, CartGiftCardLine, CartPlanLine):
        both(_line_changed, model, model.__name__)
    both(_user_row_changed, get_user_model(), "user")
    for model in (Order, Enrollment, Membership):
        both(_users_thing_changed, model, model.__name__)
    for model in (CoursePage, GiftCardDenomination, MembershipPlan):
        both(_prices_changed, model, model.__name__)
    user_logged_in.connect(_signed_in_or_out, dispatch_uid="minicart:logged_in")
    user_logged_out.connect(_signed_in_or_out, dispatch_uid="minicart:logged_out")
