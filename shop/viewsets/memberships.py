"""Memberships in the admin: plans to manage, members' memberships to read, and the demo's
"advance the clock" (renew now, paid or declined) for memberships billed by the test gateway."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views import View
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import ModelLogEntry

from shop.exceptions import GatewayError, ShopError
from shop.models import Membership, MembershipPlan
from shop.money import format_money
from shop.payments import get_gateway
from shop.services import membership_demo_renew
from shop.services.membership_billing import (
    membership_invoice_check_refundable,
    membership_invoice_refundable_cents,
    membership_invoices_passed_over,
    membership_last_invoice,
    membership_refund_last_invoice,
)
from shop.viewsets.audit import AuditedCreateView, AuditedEditView, log_shop_action
from shop.viewsets.columns import MoneyColumn, ShopModelViewSet, YesNoColumn


class MembershipPlanViewSet(ShopModelViewSet):
    model = MembershipPlan
    icon = "group"
    menu_label = "Membership plans"
    add_view_class = AuditedCreateView
    edit_view_class = AuditedEditView
    list_display = [
        "name",
        Column("get_interval_display", label="Billed", sort_key="interval"),
        MoneyColumn("price_cents", label="Price"),
        "trial_days",
        YesNoColumn("grants_all_courses", label="All courses"),
        YesNoColumn("is_active", label="On sale"),
    ]
    search_fields = ["name"]
    form_fields = [
        "name",
        "description",
        "interval",
        "price_cents",
        "trial_days",
        "grants_all_courses",
        "courses",
        "is_active",
        "sort_order",
    ]


class MembershipInspectView(InspectView):
    template_name = "shop/admin/membership_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        membership = self.object
        context["invoices"] = membership.invoices.all()
        context["may_advance_clock"] = (
            get_gateway().offers_test_payment_page
            and not membership.gateway_subscription
            and self.request.user.has_perm("shop.change_membership")
        )
        if _may_refund(self.request.user) and membership.invoices.filter(
            status="paid", refunded_cents__lt=F("amount_cents")
        ):
            context["refund_url"] = reverse("membership:refund", args=[membership.pk])
        return context


def _may_refund(user) -> bool:
    # Refunds are the Shop managers' (the permission the order refund asks for).
    return user.has_perm("shop.refund_order")


class MembershipRefundView(WagtailAdminTemplateMixin, View):
    """Refund the membership's last invoice that charged money: a confirmation page naming
    the invoice and the amount (what is left after earlier refunds; later invoices that
    charged nothing are listed as passed over) and what else it does (access ends now, the
    subscription is canceled), then the
    refund. A POST naming an invoice that is no longer the last (or was refunded meanwhile)
    shows the page again with what it would do now. Behind `shop.refund_order`; logged."""

    template_name = "shop/admin/membership_refund.html"
    header_icon = "user"

    def dispatch(self, request, *args, pk, **kwargs):
        if not _may_refund(request.user):
            raise PermissionDenied
        self.membership = Membership.objects.select_related("plan", "user").filter(pk=pk).first()
        if self.membership is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Refund the last invoice of {self.membership}"

    def render(self, *, changed=False):
        invoice = membership_last_invoice(membership=self.membership)
        refusal, refundable_cents, passed_over = None, 0, []
        if invoice is None:
            refusal = "This membership has no invoice."
        else:
            try:
                membership_invoice_check_refundable(invoice=invoice)
                refundable_cents = membership_invoice_refundable_cents(invoice=invoice)
                passed_over = membership_invoices_passed_over(invoice=invoice)
            except ShopError as exc:
                refusal = str(exc)
        context = self.get_context_data(
            membership=self.membership,
            invoice=invoice,
            refundable_cents=refundable_cents,
            passed_over=passed_over,
            already_refunded_cents=invoice.amount_cents - refundable_cents if invoice else 0,
            refusal=refusal,
            changed=changed,
            gateway_name=get_gateway().name,
        )
        return TemplateResponse(self.request, self.template_name, context)

    def get(self, request):
        return self.render()

    def post(self, request):
        invoice = membership_last_invoice(membership=self.membership)
        if invoice is None or request.POST.get("invoice") != str(invoice.pk):
            return self.render(changed=True)
        try:
            refunded = membership_refund_last_invoice(invoice=invoice, gateway=get_gateway())
        except ShopError as exc:
            messages.error(request, str(exc))
            return redirect("membership:inspect", self.membership.pk)
        except GatewayError as exc:
            messages.error(request, f"The payment provider failed; nothing was refunded: {exc}")
            return redirect("membership:inspect", self.membership.pk)
        amount = format_money(refunded, settings.SITE_CURRENCY)
        # One entry per invoice: a concurrent second click refunded nothing more, and the
        # provider's `charge.refunded` recording the refund first does not hide who made it.
        logged = ModelLogEntry.objects.filter(
            action="shop.membership.refund",
            object_id=str(self.membership.pk),
            data__values__invoice=invoice.gateway_reference,
        )
        if not logged.exists():
            log_shop_action(
                instance=self.membership,
                action="shop.membership.refund",
                user=request.user,
                values={"refunded_cents": refunded, "invoice": invoice.gateway_reference},
            )
        messages.success(request, f"{amount} refunded; the membership has ended.")
        return redirect("membership:inspect", self.membership.pk)


class MembershipClockView(View):
    """The test gateway's clock for one membership: "renew" charges the next period now and
    it is paid; "fail" charges it and it is declined (past due, grace, dunning e-mail)."""

    def post(self, request, pk):
        gateway = get_gateway()
        if not request.user.has_perm("shop.change_membership"):
            raise PermissionDenied
        membership = Membership.objects.filter(pk=pk).first()
        if membership is None:
            raise Http404
        if not gateway.offers_test_payment_page:
            messages.error(request, "Only the test gateway's memberships follow the demo clock.")
            return redirect("membership:inspect", pk)
        approve = request.POST.get("action") == "renew"
        try:
            outcome = membership_demo_renew(membership=membership, approve=approve)
        except ShopError as exc:
            messages.error(request, str(exc))
            return redirect("membership:inspect", pk)
        log_shop_action(
            instance=membership,
            action="shop.membership.clock",
            user=request.user,
            values={"renewal": "paid" if approve else "declined", "outcome": outcome},
        )
        messages.success(request, f"Renewal {'paid' if approve else 'declined'}: {outcome}.")
        return redirect("membership:inspect", pk)


class MembershipViewSet(ModelViewSet):
    model = Membership
    icon = "user"
    menu_label = "Memberships"
    inspect_view_enabled = True
    inspect_view_class = MembershipInspectView
    copy_view_enabled = False
    list_display = [
        "user",
        Column("email", accessor="user.email", label="Email", sort_key="user__email"),
        "plan",
        Column("get_status_display", label="Status", sort_key="status"),
        MoneyColumn("price_cents", label="Price"),
        Column("current_period_end", label="Period ends", sort_key="current_period_end"),
        YesNoColumn("cancel_at_period_end", label="Ends at period end"),
    ]
    list_filter = ["status", "plan"]
    search_fields = ["user__email"]
    # Wagtail builds the add/edit views regardless; states move only through the services.
    form_fields = ["cancel_at_period_end"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("clock/<int:pk>/", MembershipClockView.as_view(), name="clock"),
            path("refund/<int:pk>/", MembershipRefundView.as_view(), name="refund"),
        ]
