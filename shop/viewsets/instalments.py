"""Payment plans in the admin: customers' plans to read, and the demo's "advance the clock"
(charge the next instalment now, paid or declined) for plans billed by the test gateway."""

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
from shop.models import InstalmentPlan
from shop.payments import get_gateway
from shop.services import instalment_plan_demo_charge, instalment_plans_end_overdue
from shop.viewsets.audit import log_shop_action
from shop.viewsets.columns import MoneyColumn

CLOCK_PERMISSION = "shop.change_instalmentplan"


class InstalmentPlanInspectView(InspectView):
    template_name = "shop/admin/instalment_plan_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        context["payments"] = plan.payments.all()
        context["may_advance_clock"] = (
            get_gateway().offers_test_payment_page
            and not plan.gateway_subscription
            and plan.status in InstalmentPlan.RUNNING
            and self.request.user.has_perm(CLOCK_PERMISSION)
        )
        return context


class InstalmentPlanClockView(View):
    """The test gateway's clock for one plan: "renew" charges the next instalment now and
    it is paid; "fail" charges it and it is declined (past due, grace, dunning e-mail);
    "lapse" lets the grace period run out (the plan ends, access is revoked)."""

    def post(self, request, pk):
        gateway = get_gateway()
        if not request.user.has_perm(CLOCK_PERMISSION):
            raise PermissionDenied
        plan = InstalmentPlan.objects.filter(pk=pk).first()
        if plan is None:
            raise Http404
        if not gateway.offers_test_payment_page:
            messages.error(request, "Only the test gateway's payment plans follow the demo clock.")
            return redirect("instalment_plan:inspect", pk)
        action = request.POST.get("action")
        try:
            if action == "lapse":
                outcome = self._lapse(plan)
            else:
                outcome = instalment_plan_demo_charge(plan=plan, approve=action == "renew")
        except ShopError as exc:
            messages.error(request, str(exc))
            return redirect("instalment_plan:inspect", pk)
        log_shop_action(
            instance=plan,
            action="shop.instalment_plan.clock",
            user=request.user,
            values={"action": action, "outcome": outcome},
        )
        messages.success(request, f"Clock advanced ({action}): {outcome}.")
        return redirect("instalment_plan:inspect", pk)

    def _lapse(self, plan: InstalmentPlan) -> str:
        plan.refresh_from_db()
        if plan.status != InstalmentPlan.Status.PAST_DUE or plan.gateway_subscription:
            raise ShopError("Only a past-due plan billed by the test gateway can lapse.")
        ended = instalment_plans_end_overdue(now=plan.grace_ends_at)
        return "ended, access revoked" if ended else "recorded"


class InstalmentPlanViewSet(ModelViewSet):
    model = InstalmentPlan
    icon = "date"
    menu_label = "Payment plans"
    url_namespace = "instalment_plan"
    url_prefix = "shop/payment-plans"
    inspect_view_enabled = True
    inspect_view_class = InstalmentPlanInspectView
    copy_view_enabled = False
    list_display = [
        "title",
        Column("email", accessor="user.email", label="Email", sort_key="user__email"),
        Column("get_status_display", label="Status", sort_key="status"),
        Column("paid_count", label="Paid"),
        "instalment_count",
        MoneyColumn("instalment_cents", label="Instalment"),
        Column("next_charge_at", label="Next charge", sort_key="next_charge_at"),
    ]
    list_filter = ["status"]
    search_fields = ["user__email", "title"]
    # Wagtail builds the add/edit views regardless; states move only through the services.
    form_fields = ["title"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("clock/<int:pk>/", InstalmentPlanClockView.as_view(), name="clock"),
        ]
