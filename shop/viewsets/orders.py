"""Orders in the admin: to look at, never to edit; refunded through the refund service."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from shop.exceptions import GatewayError, ShopError
from shop.models import Order
from shop.money import format_money
from shop.payments import get_gateway
from shop.selectors import order_refundable
from shop.services import REFUNDABLE, order_refund
from shop.viewsets.audit import log_shop_action
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


class RefundForm(forms.Form):
    amount_cents = forms.IntegerField(
        label="Amount (cents)",
        required=False,
        min_value=1,
        help_text="Empty for a full refund (everything the order gave is taken back).",
    )
    reason = forms.CharField(max_length=200)


class OrderInspectView(InspectView):
    """The order's fields and, for those who may refund, what a refund would give back."""

    template_name = "shop/admin/order_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        if order.status in REFUNDABLE and self.request.user.has_perm("shop.refund_order"):
            context.update(
                refund_form=RefundForm(),
                refund_url=reverse("order:refund", args=[order.pk]),
                refundable=order_refundable(order=order),
            )
        return context


class OrderViewSet(ModelViewSet):
    model = Order
    icon = "form"
    menu_label = "Orders"
    inspect_view_enabled = True
    inspect_view_class = OrderInspectView
    copy_view_enabled = False
    list_display = [
        "number",
        "email",
        "status",
        MoneyColumn("total_cents", label="Total"),
        "created_at",
    ]
    list_filter = ["status", "dispute_status", "created_at"]
    search_fields = ["number", "email"]
    # Wagtail builds the add/edit views regardless; the permission policy refuses them.
    form_fields = ["email"]
    inspect_view_fields = [
        "number",
        "email",
        "user",
        "status",
        "dispute_status",
        "subtotal_cents",
        "discount_cents",
        "coupon_code",
        "gift_card_cents",
        "total_cents",
        "refunded_cents",
        "refund_excess_cents",
        "currency",
        "gateway",
        "gateway_reference",
        "gateway_charge",
        "failure_message",
        "created_at",
        "paid_at",
        "refunded_at",
    ]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("refund/<int:pk>/", self.refund, name="refund")]

    @method_decorator(require_POST)
    def refund(self, request, pk):
        """Refund the order in full or in part through `order_refund`; a refusal is shown."""
        if not request.user.has_perm("shop.refund_order"):
            messages.error(request, "You may not refund orders.")
            return redirect(self.get_url_name("index"))
        order = get_object_or_404(Order, pk=pk)
        form = RefundForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Give a reason, and an amount in cents or none.")
            return redirect(self.get_url_name("inspect"), pk)
        try:
            given = order_refund(
                order=order,
                amount_cents=form.cleaned_data["amount_cents"],
                reason=form.cleaned_data["reason"],
                gateway=get_gateway(),
            )
        except ShopError as exc:
            messages.error(request, str(exc))
        except GatewayError as exc:
            messages.error(request, f"The payment provider failed; nothing was refunded: {exc}")
        else:
            log_shop_action(
                instance=order,
                action="shop.order.refund",
                user=request.user,
                values={"refunded_cents": given, "reason": form.cleaned_data["reason"]},
            )
            money = format_money(given, order.currency)
            messages.success(request, f"Order {order.number}: {money} refunded.")
        return redirect(self.get_url_name("inspect"), pk)
