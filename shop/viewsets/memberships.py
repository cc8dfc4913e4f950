"""Memberships in the admin: plans to manage, members' memberships to read, and the demo's
"advance the clock" (renew now, paid or declined) for memberships billed by the test gateway."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.views import View
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from shop.exceptions import ShopError
from shop.models import Membership, MembershipPlan
from shop.payments import get_gateway
from shop.services import membership_demo_renew
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
        return context


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
        ]
