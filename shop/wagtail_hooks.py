from wagtail import hooks
from wagtail.permissions import register_permission_policy

from shop.models import Order
from shop.viewsets import ShopViewSetGroup, ViewOnlyPermissionPolicy

register_permission_policy(Order, ViewOnlyPermissionPolicy(Order))


@hooks.register("register_admin_viewset")
def register_shop_admin():
    return ShopViewSetGroup()
