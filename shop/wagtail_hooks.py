from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from shop.models import GiftCard, InstalmentPlan, Membership, Order
from shop.views.memberships import members_only_gate
from shop.viewsets import GiftCardLiabilityView, ShopViewSetGroup, ViewOnlyPermissionPolicy
from shop.viewsets.audit import register_shop_log_actions

register_permission_policy(Order, ViewOnlyPermissionPolicy(Order))
register_permission_policy(Membership, ViewOnlyPermissionPolicy(Membership))
register_permission_policy(InstalmentPlan, ViewOnlyPermissionPolicy(InstalmentPlan))


@hooks.register("register_admin_viewset")
def register_shop_admin():
    return ShopViewSetGroup()


hooks.register("register_log_actions", register_shop_log_actions)
# Outside Wagtail's own view-restriction check (order -1 wraps it), so it runs first.
hooks.register("on_serve_page", members_only_gate, order=-1)


@hooks.register("register_admin_urls")
def register_gift_card_report_url():
    return [
        path(
            "reports/gift-card-liability/",
            GiftCardLiabilityView.as_view(),
            name="shop_gift_card_liability",
        )
    ]


class GiftCardReportMenuItem(MenuItem):
    def is_shown(self, request):
        return ModelPermissionPolicy(GiftCard).user_has_any_permission(
            request.user, ["view", "change"]
        )


@hooks.register("register_reports_menu_item")
def register_gift_card_report_menu_item():
    return GiftCardReportMenuItem(
        "Gift card liability",
        reverse("shop_gift_card_liability"),
        icon_name="tag",
        order=900,
    )


# The reports (Sales dashboard) register their own admin URL and menu item.
from shop.reports import hooks as _report_hooks  # noqa: E402, F401
