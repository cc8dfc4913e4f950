"""My account → Membership: switch plans and update the card; what a member changes of their
own billing. Each view parses a form, calls one service and says what happened."""

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from shop.exceptions import GatewayError, ShopError
from shop.models import MembershipPlan
from shop.money import format_money
from shop.payments import get_gateway
from shop.services import membership_owner
from shop.services.membership_billing import membership_switch_plan

logger = logging.getLogger("coachhouse.shop")

PROVIDER_DOWN = "We could not reach the payment provider; nothing changed. Try again."


class PlanSwitchForm(forms.Form):
    membership = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    plan = forms.IntegerField(min_value=1, max_value=2**31 - 1)


@login_required
@require_POST
def membership_switch(request):
    """Switch the member's plan now, prorated; the message says what was charged."""
    form = PlanSwitchForm(request.POST)
    membership = (
        membership_owner(membership_id=form.cleaned_data["membership"], user=request.user)
        if form.is_valid()
        else None
    )
    if membership is None:
        messages.error(request, "That membership is not yours to change.")
        return redirect("shop:membership_account")
    plan = MembershipPlan.objects.filter(pk=form.cleaned_data["plan"]).first()
    if plan is None:
        messages.error(request, "That membership plan does not exist.")
        return redirect("shop:membership_account")
    try:
        invoice = membership_switch_plan(membership=membership, plan=plan, gateway=get_gateway())
    except ShopError as exc:
        messages.error(request, str(exc))
    except GatewayError as exc:
        logger.warning("Plan switch of membership %s refused: %s", membership.pk, exc)
        messages.error(request, f"{PROVIDER_DOWN} ({exc})")
    else:
        charged = (
            f" {format_money(invoice.amount_cents, settings.SITE_CURRENCY)} charged now, the "
            "unused part of your previous plan credited."
            if invoice is not None
            else ""
        )
        messages.success(request, f"You are now on the “{plan.name}” plan.{charged}")
    return redirect("shop:membership_account")
