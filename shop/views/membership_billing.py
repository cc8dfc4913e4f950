"""My account → Membership: switch plans and update the card; what a member changes of their
own billing. Each view parses a form, calls one service and says what happened."""

import logging

from csp.decorators import csp_update
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shop.exceptions import GatewayError, MembershipNotChangeable, ShopError
from shop.models import MembershipPlan
from shop.money import format_money
from shop.payments import get_gateway
from shop.services import membership_owner
from shop.services.membership_billing import (
    membership_card_update_apply,
    membership_card_update_start,
    membership_card_update_test,
    membership_check_card_updatable,
    membership_switch_plan,
)
from shop.views.carts import private
from shop.views.orders import STRIPE_CSP
from website.absolute_urls import absolute_url

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


CARD_OUTCOMES = {
    "saved": ("success", "Your new card is saved: renewals will charge it."),
    "paid": ("success", "Your new card is saved and your renewal is paid: welcome back."),
    "declined": (
        "error",
        "Your new card is saved, but the renewal was declined again. Try another card.",
    ),
    "pending": ("info", "Your card is still being confirmed; this page will show it shortly."),
    "failed": ("error", "Your card could not be saved. Nothing changed; try another card."),
}


def _card_outcome(request, outcome: str):
    level, sentence = CARD_OUTCOMES[outcome]
    getattr(messages, level)(request, sentence)
    return redirect("shop:membership_account")


def _own_membership(request, pk: int):
    membership = membership_owner(membership_id=pk, user=request.user)
    if membership is None:
        raise Http404("No such membership.")
    return membership


@csp_update(STRIPE_CSP)
@login_required
@require_http_methods(["GET", "POST"])
def membership_card(request, pk: int):
    """My account → Membership → Update card: Stripe's Payment Element confirming a
    SetupIntent (off-session use), or on the test gateway a labelled test card form."""
    membership = _own_membership(request, pk)
    gateway = get_gateway()
    try:
        if not membership.gateway_subscription:
            if not gateway.offers_test_payment_page:
                raise MembershipNotChangeable("This membership's card cannot be changed here.")
            if request.method == "POST":
                outcome = membership_card_update_test(
                    membership=membership, approve=request.POST.get("action") == "save"
                )
                return _card_outcome(request, outcome)
            membership_check_card_updatable(membership=membership)
            return private(render(request, "shop/membership_card.html", {"membership": membership}))
        if request.method == "POST":
            return redirect("shop:membership_card", pk=membership.pk)
        setup = membership_card_update_start(membership=membership, gateway=gateway)
    except ShopError as exc:
        messages.error(request, str(exc))
        return redirect("shop:membership_account")
    except GatewayError:
        logger.exception("Could not open a card update for membership %s", membership.pk)
        messages.error(request, PROVIDER_DOWN)
        return redirect("shop:membership_account")
    context = {
        "membership": membership,
        "client_secret": setup.client_secret,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "return_url": absolute_url(reverse("shop:membership_card_return", args=[membership.pk])),
    }
    return private(render(request, "shop/membership_card.html", context))


@login_required
@require_GET
def membership_card_return(request, pk: int):
    """Stripe sends the member back here after confirmSetup; we ask Stripe for the
    SetupIntent rather than wait for `setup_intent.succeeded` (either may come first)."""
    membership = _own_membership(request, pk)
    reference = request.GET.get("setup_intent", "")
    if not reference.startswith("seti_") or len(reference) > 255:
        messages.error(request, "That card update is not for this membership.")
        return redirect("shop:membership_account")
    gateway = get_gateway()
    try:
        setup = gateway.retrieve_card_update(reference)
        outcome = membership_card_update_apply(membership=membership, setup=setup, gateway=gateway)
    except ShopError as exc:
        messages.error(request, str(exc))
        return redirect("shop:membership_account")
    except (GatewayError, NotImplementedError):
        logger.exception("Could not confirm the card update of membership %s", membership.pk)
        messages.error(request, PROVIDER_DOWN)
        return redirect("shop:membership_account")
    return _card_outcome(request, outcome)
