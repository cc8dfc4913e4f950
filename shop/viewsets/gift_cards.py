"""Gift cards in the admin: issuing through the service, the ledger, resending the email,
the values on sale, and the liability report."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic import CreateView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from shop.models import GiftCard, GiftCardDenomination
from shop.money import format_money
from shop.selectors import gift_card_liability
from shop.services import gift_card_issue, gift_card_schedule_delivery
from shop.tasks import deliver_gift_card
from shop.viewsets.columns import MoneyColumn


class GiftCardIssueForm(forms.ModelForm):
    class Meta:
        model = GiftCard
        fields = ["initial_cents", "recipient_name", "recipient_email", "message", "expires_at"]


class GiftCardCreateView(CreateView):
    """Issuing goes through the service, so the card starts with its ledger entry and email."""

    def save_instance(self):
        data = self.form.cleaned_data
        card = gift_card_issue(
            amount_cents=data["initial_cents"],
            source=GiftCard.Source.MANUAL,
            recipient_name=data["recipient_name"],
            recipient_email=data["recipient_email"],
            message=data["message"],
            expires_at=data["expires_at"],
        )
        gift_card_schedule_delivery(card=card)
        return card


class GiftCardInspectView(InspectView):
    """The card's fields, its whole ledger, and a button to resend the recipient's email."""

    template_name = "shop/admin/gift_card_inspect.html"

    def get_code_display_value(self):
        return self.object.display_code

    def get_initial_cents_display_value(self):
        return format_money(self.object.initial_cents, settings.SITE_CURRENCY)

    def get_balance_cents_display_value(self):
        return format_money(self.object.balance_cents, settings.SITE_CURRENCY)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["transactions"] = self.object.transactions.select_related("order")
        context["resend_url"] = reverse("shop_giftcard:resend", args=[self.object.pk])
        return context


class GiftCardViewSet(ModelViewSet):
    model = GiftCard
    icon = "tag"
    menu_label = "Gift cards"
    url_prefix = "shop/giftcard"
    url_namespace = "shop_giftcard"
    copy_view_enabled = False
    inspect_view_enabled = True
    add_view_class = GiftCardCreateView
    inspect_view_class = GiftCardInspectView
    list_display = [
        "display_code",
        MoneyColumn("balance_cents", label="Balance"),
        MoneyColumn("initial_cents", label="Value"),
        "source",
        "owner",
        "recipient_email",
        "is_active",
        "created_at",
    ]
    list_filter = ["source", "is_active"]
    search_fields = ["code", "recipient_email"]
    # Editing can only deactivate a card or change its expiry; money moves through services.
    form_fields = ["is_active", "expires_at"]
    inspect_view_fields = [
        "code",
        "initial_cents",
        "balance_cents",
        "source",
        "is_active",
        "expires_at",
        "owner",
        "claimed_at",
        "recipient_name",
        "recipient_email",
        "message",
        "deliver_on",
        "delivered_at",
        "created_at",
    ]

    def get_form_class(self, for_update=False):
        return super().get_form_class(for_update) if for_update else GiftCardIssueForm

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("resend/<int:pk>/", self.resend, name="resend")]

    @method_decorator(require_POST)
    def resend(self, request, pk):
        """Send the recipient's email again (an editor's button on the card's page)."""
        if not self.permission_policy.user_has_permission(request.user, "change"):
            messages.error(request, "You may not send gift card emails.")
            return redirect(self.get_url_name("index"))
        card = get_object_or_404(GiftCard, pk=pk)
        if card.recipient_email and card.is_active:
            deliver_gift_card.enqueue(card_id=card.pk, resend=True)
            messages.success(request, f"Gift card email sent again to {card.recipient_email}.")
        else:
            messages.error(request, "Only an active card with a recipient email can be sent.")
        return redirect(self.get_url_name("inspect"), pk)


class GiftCardDenominationViewSet(ModelViewSet):
    model = GiftCardDenomination
    icon = "pick"
    menu_label = "Gift card values"
    copy_view_enabled = False
    list_display = ["__str__", "is_active"]
    form_fields = ["amount_cents", "is_active"]


class GiftCardLiabilityView(WagtailAdminTemplateMixin, TemplateView):
    """What the store owes on gift cards now, and what was issued and redeemed each month."""

    template_name = "shop/admin/gift_card_liability.html"
    page_title = "Gift card liability"
    header_icon = "tag"
    breadcrumbs_items = [
        *WagtailAdminTemplateMixin.breadcrumbs_items,
        {"url": "", "label": "Gift card liability"},
    ]

    def dispatch(self, request, *args, **kwargs):
        if not ModelPermissionPolicy(GiftCard).user_has_any_permission(
            request.user, ["view", "change"]
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        outstanding, months = gift_card_liability()
        return {
            **super().get_context_data(**kwargs),
            "outstanding_cents": outstanding,
            "months": months,
        }
