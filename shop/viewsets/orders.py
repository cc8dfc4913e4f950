"""Orders in the admin: to look at, never to edit."""

from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from shop.models import Order
from shop.viewsets.columns import MoneyColumn


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Orders change only through payments: nobody adds, edits or deletes them in the admin."""

    READ_ONLY_ACTIONS = {"view"}

    def user_has_permission(self, user, action):
        return action in self.READ_ONLY_ACTIONS and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [a for a in actions if a in self.READ_ONLY_ACTIONS]
        )


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
