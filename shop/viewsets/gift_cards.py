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
from wagtail.admin.forms.models import formfield_for_dbfield
from wagtail.admin.views.generic import CreateView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies import ModelPermissionPolicy

from shop.models import GiftCard, GiftCardDenomination
from shop.money import format_money
from shop.selectors import gift_card_liability
from shop.services import gift_card_issue, gift_card_schedule_delivery
from shop.tasks import deliver_gift_card
from shop.viewsets.audit import AuditedCreateView, AuditedEditView, log_shop_action
from shop.viewsets.columns import MoneyColumn, ShopModelViewSet, YesNoColumn


class GiftCardIssueForm(forms.ModelForm):
    class Meta:
        model = GiftCard
        # As Wagtail builds admin forms: the value is money typed in the site currency.
        formfield_callback = formfield_for_dbfield
        fields = ["initial_cents", "recipient_name", "recipient_email", "message", "expires_at"]

    def clean_initial_cents(self):
        value = self.cleaned_data["initial_cents"]
        if not value:
            raise forms.ValidationError("Give the card a value above zero.")
        return value


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
        log_shop_action(
            instance=card,
            action="shop.gift_card.issue",
            user=self.request.user,
            values={
                "amount_cents": str(card.initial_cents),
                "recipient_email": card.recipient_email,
                "expires_at": str(card.expires_at or ""),
            },
        )
        return card

    def get_success_message(self, instance):
        # The one place the full code of a new unclaimed card shows: to whoever issued it.
        return f"Gift card {instance.display_code} issued."


class GiftCardEditView(AuditedEditView):
    def audit_action(self) -> str:
        deactivated = "is_active" in self.form.changed_data and not self.form.instance.is_active
        return "shop.gift_card.deactivate" if deactivated else "shop.edit"


class GiftCardInspectView(InspectView):
    """The card's fields, its whole ledger, and a button to resend the recipient's email."""

    template_name = "shop/admin/gift_card_inspect.html"

    def get_code_display_value(self):
        return self.object.masked_code

    def get_initial_cents_display_value(self):
        return format_money(self.object.initial_cents, settings.SITE_CURRENCY)

    def get_balance_cents_display_value(self):
        return format_money(self.object.balance_cents, settings.SITE_CURRENCY)

    def get_is_active_display_value(self):
        return "Yes" if self.object.is_active else "No"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["transactions"] = self.object.transactions.select_related("order")
        context["resend_url"] = reverse("shop_giftcard:resend", args=[self.object.pk])
        return context


class GiftCardViewSet(ShopModelViewSet):
    model = GiftCard
    icon = "tag"
    menu_label = "Gift cards"
    url_prefix = "shop/giftcard"
    url_namespace = "shop_giftcard"
    inspect_view_enabled = True
    add_view_class = GiftCardCreateView
    edit_view_class = GiftCardEditView
    inspect_view_class = GiftCardInspectView
    list_display = [
        "masked_code",
        MoneyColumn("balance_cents", label="Balance"),
        MoneyColumn("initial_cents", label="Value"),
        "source",
        "owner",
        "recipient_email",
        YesNoColumn("is_active", label="Active"),
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
            log_shop_action(
                instance=card,
                action="shop.gift_card.resend",
                user=request.user,
                values={"recipient_email": card.recipient_email},
            )
            # The full code, to whoever resends it only (the card's page shows it masked).
            messages.success(
                request,
                f"Gift card {card.display_code} sent again to {card.recipient_email}.",
            )
        else:
            messages.error(request, "Only an active card with a recipient email can be sent.")
        return redirect(self.get_url_name("inspect"), pk)


class GiftCardDenominationViewSet(ShopModelViewSet):
    model = GiftCardDenomination
    icon = "pick"
    menu_label = "Gift card values"
    list_display = [
        MoneyColumn("amount_cents", label="Value"),
        YesNoColumn("is_active", label="On sale"),
    ]
    form_fields = ["amount_cents", "is_active"]
    add_view_class = AuditedCreateView
    edit_view_class = AuditedEditView


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
