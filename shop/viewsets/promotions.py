"""Promotions in the admin."""

from django.contrib import messages

from shop.models import Promotion
from shop.selectors import promotion_reward_warning
from shop.viewsets.audit import AuditedCreateView, AuditedEditView
from shop.viewsets.columns import MoneyColumn, ShopModelViewSet, YesNoColumn


class RewardWarningMixin:
    """After saving, warn (the save still stands) when the reward is worth at least the
    price of an eligible course: buyers of that course get back at least what they paid."""

    def save_action(self):
        response = super().save_action()
        warning = promotion_reward_warning(promotion=self.object)
        if warning and not self.expects_json_response:
            messages.warning(self.request, warning)
        return response


class PromotionCreateView(RewardWarningMixin, AuditedCreateView):
    pass


class PromotionEditView(RewardWarningMixin, AuditedEditView):
    def get(self, request, *args, **kwargs):
        warning = promotion_reward_warning(promotion=self.object)
        if warning:
            messages.warning(request, warning)
        return super().get(request, *args, **kwargs)


class PromotionViewSet(ShopModelViewSet):
    model = Promotion
    icon = "tick"
    menu_label = "Promotions"
    add_view_class = PromotionCreateView
    edit_view_class = PromotionEditView
    list_display = [
        "name",
        "starts_at",
        "ends_at",
        MoneyColumn("reward_cents", label="Reward"),
        MoneyColumn("minimum_order_cents", label="Minimum order"),
        YesNoColumn("is_active", label="Active"),
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
