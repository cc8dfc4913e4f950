"""Orders in the admin: to read (lines, money, what the order issued, its history), to find
(filters, search, CSV/XLSX export), never to edit; refunded through `order_refund` after a
confirmation page that states what the refund takes back."""

from decimal import Decimal

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views import View
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from courses.models import CoursePage
from shop.exceptions import GatewayError, ShopError
from shop.forms import MoneyField
from shop.models import Coupon, Order
from shop.money import decimal_amount, format_money
from shop.payments import get_gateway
from shop.selectors import REFUNDABLE, order_admin_detail, order_refund_preview
from shop.services import order_refund
from shop.viewsets.audit import log_shop_action
from shop.viewsets.columns import MoneyColumn
from website.spreadsheets import spreadsheet_safe


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Orders change only through payments: nobody adds, edits or deletes them in the admin."""

    READ_ONLY_ACTIONS = {"view"}

    def user_has_permission(self, user, action):
        return action in self.READ_ONLY_ACTIONS and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [a for a in actions if a in self.READ_ONLY_ACTIONS]
        )


class OrderFilterSet(WagtailFilterSet):
    """Status, when it was placed, a course it holds, the coupon it used."""

    status = django_filters.ChoiceFilter(choices=Order.Status.choices, label="Status")
    created_at = django_filters.DateFromToRangeFilter(label="Placed", widget=DateRangePickerWidget)
    course = django_filters.ModelChoiceFilter(
        queryset=CoursePage.objects.order_by("title"),
        field_name="lines__course",
        distinct=True,
        label="Course",
    )
    coupon = django_filters.ModelChoiceFilter(
        queryset=Coupon.objects.order_by("code"), label="Coupon"
    )

    class Meta:
        model = Order
        fields = ["status", "dispute_status", "created_at", "course", "coupon"]


# Money columns of the export, written as plain numbers of the site currency.
EXPORT_MONEY_FIELDS = (
    "subtotal_cents",
    "discount_cents",
    "gift_card_cents",
    "total_cents",
    "refunded_cents",
)


def _export_amount(cents) -> str:
    return decimal_amount(int(cents or 0), settings.SITE_CURRENCY)


class OrderIndexView(IndexView):
    """The order list; its export writes money as amounts of the site currency, not cents."""

    custom_field_preprocess = {
        **{
            name: {"csv": _export_amount, "xlsx": lambda cents: Decimal(_export_amount(cents))}
            for name in EXPORT_MONEY_FIELDS
        },
        # Typed by customers (an address may start with "="): text, never a formula.
        **{name: {"csv": spreadsheet_safe} for name in ("email", "coupon_code")},
    }

    def get_heading(self, queryset, field):
        if field in EXPORT_MONEY_FIELDS:
            label = field.removesuffix("_cents").replace("_", " ").capitalize()
            return f"{label} ({settings.SITE_CURRENCY})"
        return super().get_heading(queryset, field)


class RefundForm(forms.Form):
    """A refund as a shop manager asks for it: an amount (none = in full) and a reason."""

    amount_cents = MoneyField(
        label="Amount",
        required=False,
        help_text="Leave empty for a full refund: everything the order gave is taken back.",
    )
    reason = forms.CharField(max_length=200)
    # What the confirmation page showed (RefundPreview.fingerprint); empty on the first step.
    reviewed = forms.CharField(required=False, widget=forms.HiddenInput)


def _may_refund(user) -> bool:
    return user.has_perm("shop.refund_order")


class OrderInspectView(InspectView):
    """The order as a shop manager reads it: number, customer, status and its history, lines
    with titles and prices, coupon, gift cards used, what it issued, all amounts as money;
    and, for those who may refund, what a full refund would do now."""

    template_name = "shop/admin/order_inspect.html"

    def get_object(self, queryset=None):
        try:
            self.detail = order_admin_detail(order_id=int(self.pk))
        except (Order.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        return self.detail.order

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        context["detail"] = self.detail
        refundable = order.status in REFUNDABLE or order.status == Order.Status.NEEDS_REFUND
        if refundable and _may_refund(self.request.user):
            context["refund_preview"] = order_refund_preview(order=order, amount_cents=None)
            context["refund_url"] = reverse("order:refund", args=[order.pk])
        return context


class OrderRefundView(WagtailAdminTemplateMixin, View):
    """Refund an order: the form, then a confirmation page stating what the refund gives back
    and takes back (order_refund_preview, the rules order_refund applies), then the refund
    itself through the gateway, in the audit log. Behind the `shop.refund_order` permission.

    A POST without `reviewed` (or whose `reviewed` no longer matches the order: a webhook,
    another refund or a spent card changed it) shows the confirmation; one that matches
    refunds. A bad amount or a refusal re-renders the form with its sentence.
    """

    template_name = "shop/admin/order_refund.html"
    header_icon = "form"

    def dispatch(self, request, *args, pk, **kwargs):
        if not _may_refund(request.user):
            raise PermissionDenied
        try:
            self.order = Order.objects.get(pk=pk)
        except Order.DoesNotExist as exc:
            raise Http404 from exc
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Refund order {self.order.number}"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("order:index"), "label": "Orders"},
            {"url": reverse("order:inspect", args=[self.order.pk]), "label": self.order.number},
            {"url": "", "label": "Refund"},
        ]

    def render(self, form, *, preview=None, status=200, changed=False):
        context = self.get_context_data(
            order=self.order,
            form=form,
            preview=preview,
            full_preview=order_refund_preview(order=self.order, amount_cents=None),
            changed=changed,
            gateway_name=get_gateway().name,
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render(RefundForm())

    def post(self, request):
        form = RefundForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        amount = form.cleaned_data["amount_cents"]
        preview = order_refund_preview(
            order=self.order, amount_cents=amount, gateway_name=get_gateway().name
        )
        if preview.refusal is not None:
            form.add_error("amount_cents" if amount is not None else None, str(preview.refusal))
            return self.render(form)
        reviewed = form.cleaned_data["reviewed"]
        if reviewed != preview.fingerprint:
            confirm = RefundForm(
                initial={
                    "amount_cents": amount,
                    "reason": form.cleaned_data["reason"],
                    "reviewed": preview.fingerprint,
                }
            )
            return self.render(confirm, preview=preview, changed=bool(reviewed))
        return self.refund(form.cleaned_data, preview)

    def refund(self, data, preview):
        order = self.order
        try:
            given = order_refund(
                order=order,
                amount_cents=data["amount_cents"],
                reason=data["reason"],
                gateway=get_gateway(),
            )
        except ShopError as exc:
            messages.error(self.request, str(exc))
            return redirect("order:inspect", order.pk)
        except GatewayError as exc:
            messages.error(
                self.request, f"The payment provider failed; nothing was refunded: {exc}"
            )
            return redirect("order:inspect", order.pk)
        log_shop_action(
            instance=order,
            action="shop.order.refund",
            user=self.request.user,
            values={
                "refunded_cents": given,
                "reason": data["reason"],
                "kind": "full" if preview.is_full else "partial",
                "taken_back": _taken_back(preview),
            },
        )
        messages.success(
            self.request, f"Order {order.number}: {format_money(given, order.currency)} refunded."
        )
        return redirect("order:inspect", order.pk)


def _taken_back(preview) -> str:
    """What the refund took back, in a line for the audit log."""
    if not preview.is_full or preview.unfulfilled:
        return "nothing (money only)"
    parts = [f"access to {e.course.title}" for e in preview.enrollments]
    parts += [
        f"{card.masked_code} ({format_money(card.balance_cents, preview.order.currency)})"
        for card in preview.cards_voided
    ]
    return "; ".join(parts) or "nothing"


class OrderViewSet(ModelViewSet):
    model = Order
    icon = "form"
    menu_label = "Orders"
    inspect_view_enabled = True
    inspect_view_class = OrderInspectView
    index_view_class = OrderIndexView
    copy_view_enabled = False
    list_display = [
        "number",
        "email",
        Column("get_status_display", label="Status", sort_key="status"),
        MoneyColumn("total_cents", label="Total", sort_key="total_cents"),
        MoneyColumn("refunded_cents", label="Refunded"),
        Column("coupon_code", label="Coupon"),
        Column("created_at", label="Placed", sort_key="created_at"),
    ]
    filterset_class = OrderFilterSet
    search_fields = ["number", "email"]
    list_export = [
        "number",
        "email",
        "get_status_display",
        "coupon_code",
        *EXPORT_MONEY_FIELDS,
        "currency",
        "gateway",
        "gateway_reference",
        "created_at",
        "paid_at",
        "refunded_at",
    ]
    export_headings = {
        "number": "Order",
        "email": "E-mail",
        "get_status_display": "Status",
        "coupon_code": "Coupon",
        "created_at": "Placed",
        "paid_at": "Paid",
        "refunded_at": "Refunded",
    }
    export_filename = "orders"
    # Wagtail builds the add/edit views regardless; the permission policy refuses them.
    form_fields = ["email"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("refund/<int:pk>/", OrderRefundView.as_view(), name="refund"),
        ]
