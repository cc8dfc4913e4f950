"""Signal receivers: the anonymous cart follows the visitor into their account."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from shop.selectors import CART_COOKIE
from shop.services import cart_merge


@receiver(user_logged_in, dispatch_uid="shop.merge_cart_on_login")
def merge_cart_on_login(sender, request, user, **kwargs):
    if request is not None:
        cart_merge(token=request.COOKIES.get(CART_COOKIE), user=user)
