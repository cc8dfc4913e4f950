"""Promotions in the admin."""

from wagtail.admin.viewsets.model import ModelViewSet

from shop.models import Promotion
from shop.viewsets.columns import MoneyColumn


class PromotionViewSet(ModelViewSet):
    model = Promotion
    icon = "tick"
    menu_label = "Promotions"
    copy_view_enabled = False
    list_display = [
        "name",
        "starts_at",
        "ends_at",
        MoneyColumn("reward_cents", label="Reward"),
        "is_active",
    ]
    list_filter = ["is_active"]
    search_fields = ["name"]
    form_fields = [
        "name",
        "banner_text",
        "starts_at",
        "ends_at",
        "eligible_courses",
        "reward_cents",
        "minimum_order_cents",
        "is_active",
    ]
