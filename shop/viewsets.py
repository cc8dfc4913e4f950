"""Wagtail admin for the store: orders to look at (never to edit), coupons to manage."""

from django.conf import settings
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from shop.models import Coupon, Order
from shop.money import format_money


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Orders change only through payments: nobody adds, edits or deletes them in the admin."""

    READ_ONLY_ACTIONS = {"view"}

    def user_has_permission(self, user, action):
        return action in self.READ_ONLY_ACTIONS and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [a for a in actions if a in self.READ_ONLY_ACTIONS]
        )


class MoneyColumn(Column):
    def get_value(self, instance):
        cents = super().get_value(instance)
        return "" if cents is None else format_money(cents, settings.SITE_CURRENCY)


class OrderViewSet(ModelViewSet):
    model = Order
    icon = "form"
    menu_label = "Orders"
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "number",
        "email",
        "status",
        MoneyColumn("total_cents", label="Total"),
        "created_at",
    ]
    list_filter = ["status", "created_at"]
    search_fields = ["number", "email"]
    # Wagtail builds the add/edit views regardless; the permission policy refuses them.
    form_fields = ["email"]
    inspect_view_fields = [
        "number",
        "email",
        "user",
        "status",
        "subtotal_cents",
        "discount_cents",
        "coupon_code",
        "gift_card_cents",
        "total_cents",
        "refunded_cents",
        "currency",
        "gateway",
        "gateway_reference",
        "gateway_charge",
        "failure_message",
        "created_at",
        "paid_at",
        "refunded_at",
    ]


class CouponViewSet(ModelViewSet):
    model = Coupon
    icon = "tag"
    menu_label = "Coupons"
    copy_view_enabled = False
    list_display = [
        "code",
        "kind",
        "percent_off",
        MoneyColumn("amount_off_cents", label="Amount off"),
        "is_active",
        "ends_at",
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["code"]
    form_fields = [
        "code",
        "kind",
        "percent_off",
        "amount_off_cents",
        "minimum_subtotal_cents",
        "starts_at",
        "ends_at",
        "max_uses",
        "max_uses_per_customer",
        "eligible_courses",
        "is_active",
    ]


class ShopViewSetGroup(ViewSetGroup):
    menu_label = "Shop"
    menu_icon = "pick"
    menu_order = 250
    items = (OrderViewSet, CouponViewSet)
