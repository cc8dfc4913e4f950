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
logging in and out; prices retire the content generation. A signed-in answer is kept no
longer than its session lives.
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
from website.content.page_cache import content_generation, retire_cached_pages

ENTRY_SECONDS = 60 * 60
VERSION_SECONDS = 60 * 60 * 24 * 30
REMEMBERED_ANSWERS = 10_000


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
        if versions is not None and response.status_code == 200 and not response.cookies:
            timeout = ENTRY_SECONDS
            if request.user.is_authenticated:
                timeout = min(timeout, request.session.get_expiry_age())
            if timeout > 0:
                headers = dict(response.headers._store)
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


def _replayed(headers: dict[str, tuple[str, str]], content: bytes) -> HttpResponse:
    response = HttpResponse(content)
    # The stored headers were checked when the view's response was built: set them as they
    # were, without encoding each one again (a third of a replay's time otherwise).
    response.headers._store = dict(headers)
    return response


def minicart_versions_note(request) -> None:
    """The view says which version its answer depends on before it looks the cart up, so the
    middleware above may store the answer under it: the user's when signed in, else the cart
    token's (none without a valid token: such a visitor has no cart). Missing ones are made."""
    keys = []
    if request.user.is_authenticated:
        keys.append(user_version_key(request.user.pk))
    else:
        with contextlib.suppress(ValueError):
            keys.append(token_version_key(str(UUID(request.COOKIES.get(CART_COOKIE, "")))))
    for key in keys:
        cache.add(key, uuid4().hex, VERSION_SECONDS)
    current = cache.get_many(keys)
    request.minicart_versions = current if len(current) == len(keys) else None


def _owner_keys(cart) -> list[str]:
    keys = [token_version_key(str(cart.token))]
    if cart.user_id:
        keys.append(user_version_key(cart.user_id))
    return keys


def _cart_changed(sender, instance, **kwargs) -> None:
    minicart_version_bump(*_owner_keys(instance))


def _line_changed(sender, instance, **kwargs) -> None:
    minicart_cart_changed(cart_id=instance.cart_id)


def minicart_cart_changed(*, cart_id: int) -> None:
    """For changes no signal reports (queryset updates): the cart's mini-cart answers retire."""
    from shop.models import Cart

    cart = Cart.objects.filter(pk=cart_id).only("token", "user_id").first()
    if cart is not None:  # else the cart's own deletion retires them
        minicart_version_bump(*_owner_keys(cart))


def _user_row_changed(sender, instance, **kwargs) -> None:
    minicart_version_bump(user_version_key(instance.pk))


def _users_thing_changed(sender, instance, **kwargs) -> None:
    if getattr(instance, "user_id", None):
        minicart_version_bump(user_version_key(instance.user_id))


def _signed_in_or_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        minicart_version_bump(user_version_key(user.pk))


def connect_signals() -> None:
    """Whatever can change a mini-cart answer moves a version it was stored under."""
    from courses.models import Enrollment
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
    # Prices: a course's changes on publish, which retires the content generation already.
    for model in (GiftCardDenomination, MembershipPlan):
        both(retire_cached_pages, model, model.__name__)
    user_logged_in.connect(_signed_in_or_out, dispatch_uid="minicart:logged_in")
    user_logged_out.connect(_signed_in_or_out, dispatch_uid="minicart:logged_out")
