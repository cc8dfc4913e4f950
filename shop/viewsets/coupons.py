"""Coupons in the admin."""

from shop.models import Coupon
from shop.viewsets.audit import AuditedCreateView, AuditedEditView
from shop.viewsets.columns import MoneyColumn, ShopModelViewSet, YesNoColumn


class CouponViewSet(ShopModelViewSet):
    model = Coupon
    icon = "tag"
    menu_label = "Coupons"
    add_view_class = AuditedCreateView
    edit_view_class = AuditedEditView
    list_display = [
        "code",
        "kind",
        "percent_off",
        MoneyColumn("amount_off_cents", label="Amount off"),
        MoneyColumn("minimum_subtotal_cents", label="Minimum"),
        YesNoColumn("is_active", label="Active"),
        "ends_at",
        "uses_count",
        "max_uses",
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
