"""Carts: the visitor's cart, its courses, and merging an anonymous cart on login."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q

from certificates.selectors import renewal_retake_is_due
from courses.models import CoursePage
from courses.selectors import Visitor, user_is_enrolled
from shop.exceptions import CourseAlreadyOwned, CourseNotPurchasable
from shop.middleware import minicart_cart_changed
from shop.models import Cart, CartLine, CartPlanLine
from shop.selectors import cart_for, cart_size_refusal


def cart_get_or_create(*, user: Visitor, token: str | None) -> Cart:
    """The visitor's open cart, created on first use (by user when logged in, else by token)."""
    cart = cart_for(user=user, token=token)
    if cart is not None:
        return cart
    if user.is_authenticated:
        return Cart.objects.get_or_create(user=user)[0]
    return Cart.objects.create()


def course_check_purchasable(*, course: CoursePage, user: Visitor) -> None:
    """Raise CourseNotPurchasable / CourseAlreadyOwned unless the user may buy the course now.

    An owned course may be bought again only as a renewal course taken anew to renew a
    certification (`renewal_retake_is_due`)."""
    if not course.live or not course.is_purchasable:
        raise CourseNotPurchasable(course.title)
    if _owns(user=user, course=course):
        raise CourseAlreadyOwned(course.title)


def _owns(*, user: Visitor, course: CoursePage) -> bool:
    """Enrolled, and not due to take the course again as a certification's renewal."""
    return user_is_enrolled(user=user, course=course) and not renewal_retake_is_due(
        user=user, course=course
    )


def cart_add_course(*, cart: Cart, course: CoursePage, user: Visitor) -> bool:
    """Put a live, purchasable course the user does not own into the cart, at most once.

    Returns False when it was already there. Raises CourseNotPurchasable / CourseAlreadyOwned,
    or CartTooLarge when the cart already holds as many courses as one order may.
    """
    course_check_purchasable(course=course, user=user)
    if not CartLine.objects.filter(cart=cart, course=course).exists():
        refusal = cart_size_refusal(courses=cart.lines.count() + 1, gift_cards=0)
        if refusal is not None:
            raise refusal
    _, created = CartLine.objects.get_or_create(cart=cart, course=course)
    return created


def cart_remove_course(*, cart: Cart, course_id: int) -> None:
    """Take the course out of the cart; removing what is not there changes nothing."""
    CartLine.objects.filter(cart=cart, course_id=course_id).delete()


@transaction.atomic
def cart_merge(*, token: str | None, user: AbstractBaseUser) -> Cart | None:
    """On login, move the anonymous cart's courses into the user's cart, then drop it.

    Courses the user owns (and may not buy again) or already has in the cart are skipped;
    the anonymous coupon and membership plan carry over when the user's cart has none.
    Returns the user's cart (None if neither exists).
    """
    anonymous = cart_for(user=AnonymousUser(), token=token)
    if anonymous is None:
        return Cart.objects.filter(user=user).first()
    cart, _ = Cart.objects.get_or_create(user=user)
    for line in anonymous.lines.select_related("course"):
        if not _owns(user=user, course=line.course):
            CartLine.objects.get_or_create(cart=cart, course=line.course)
    if cart.coupon_id is None and anonymous.coupon_id is not None:
        cart.coupon_id = anonymous.coupon_id
        cart.save(update_fields=["coupon", "updated_at"])
    anonymous.gift_card_lines.update(cart=cart)
    # The anonymous cart's membership comes along unless the user's cart has one already
    # (checkout refuses a plan the user already holds, saying so).
    if not CartPlanLine.objects.filter(cart=cart).exists():
        CartPlanLine.objects.filter(cart=anonymous).update(cart=cart)
    cart.gift_cards.add(*anonymous.gift_cards.filter(Q(owner__isnull=True) | Q(owner=user)))
    anonymous.delete()
    minicart_cart_changed(cart_id=cart.pk)  # the lines moved by update() send no signal
    return cart
