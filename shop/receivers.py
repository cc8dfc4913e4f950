"""Signal receivers: the anonymous cart follows the visitor into their account, and cached
pages are retired when a promotion (whose banner every page shows) changes."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from shop.models import Promotion
from shop.selectors import CART_COOKIE
from shop.services import cart_merge
from website.content.page_cache import retire_cached_pages


@receiver(user_logged_in, dispatch_uid="shop.merge_cart_on_login")
def merge_cart_on_login(sender, request, user, **kwargs):
    if request is not None:
        cart_merge(token=request.COOKIES.get(CART_COOKIE), user=user)


# Every page shows the running promotion's banner.
post_save.connect(retire_cached_pages, sender=Promotion, dispatch_uid="shop.promotion_saved")
post_delete.connect(retire_cached_pages, sender=Promotion, dispatch_uid="shop.promotion_deleted")
