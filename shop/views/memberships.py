"""The membership plans page, putting a plan in the cart, and My account → Membership."""

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shop.exceptions import GatewayError, ShopError
from shop.models import MembershipPlan
from shop.payments import get_gateway
from shop.selectors import (
    CART_COOKIE,
    membership_running,
    memberships_for,
    plans_on_sale,
    user_is_member,
)
from shop.services import (
    cart_add_plan,
    cart_get_or_create,
    cart_remove_plan,
    membership_owner,
    membership_set_cancel_at_period_end,
)
from shop.views.carts import private, remember_cart, visitor_cart

logger = logging.getLogger("coachhouse.shop")


class PlanChoiceForm(forms.Form):
    plan = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class MembershipChoiceForm(forms.Form):
    membership = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    action = forms.ChoiceField(choices=[("cancel", "cancel"), ("resume", "resume")])


@require_GET
def membership_plans(request):
    """The plans on sale; a member sees which plan they already hold."""
    plans = list(plans_on_sale())
    held = {plan.pk for plan in plans if membership_running(user=request.user, plan=plan)}
    return private(
        render(request, "shop/membership_plans.html", {"plans": plans, "held_plan_ids": held})
    )


@require_POST
def cart_add_membership(request):
    """Put a plan in the cart (replacing another plan), then on to the cart."""
    form = PlanChoiceForm(request.POST)
    plan = (
        MembershipPlan.objects.filter(pk=form.cleaned_data["plan"]).first()
        if form.is_valid()
        else None
    )
    if plan is None:
        messages.error(request, "That membership plan does not exist.")
        return redirect("shop:membership_plans")
    cart = cart_get_or_create(user=request.user, token=request.COOKIES.get(CART_COOKIE))
    try:
        cart_add_plan(cart=cart, plan=plan, user=request.user)
    except ShopError as exc:
        messages.error(request, str(exc))
        return redirect("shop:membership_plans")
    messages.success(request, f"The “{plan.name}” membership is in your cart.")
    response = redirect("shop:cart")
    remember_cart(request, response, cart)
    return response


@require_POST
def cart_remove_membership(request):
    cart = visitor_cart(request)
    if cart is not None:
        cart_remove_plan(cart=cart)
        messages.success(request, "Removed from your cart.")
    return redirect("shop:cart")


@login_required
@require_http_methods(["GET", "POST"])
def membership_account(request):
    """My account → Membership: plan, next charge, invoices; cancel at period end or undo."""
    if request.method == "POST":
        form = MembershipChoiceForm(request.POST)
        membership = (
            membership_owner(membership_id=form.cleaned_data["membership"], user=request.user)
            if form.is_valid()
            else None
        )
        if membership is None:
            messages.error(request, "That membership is not yours to change.")
            return redirect("shop:membership_account")
        cancel = form.cleaned_data["action"] == "cancel"
        try:
            membership_set_cancel_at_period_end(
                membership=membership, cancel=cancel, gateway=get_gateway()
            )
        except ShopError as exc:
            messages.error(request, str(exc))
        except GatewayError:
            logger.exception("Could not change membership %s at the provider", membership.pk)
            messages.error(
                request, "We could not reach the payment provider; nothing changed. Try again."
            )
        else:
            messages.success(
                request,
                "Your membership will end at the close of the paid period."
                if cancel
                else "Your membership will renew as before.",
            )
        return redirect("shop:membership_account")
    context = {"memberships": memberships_for(user=request.user), "plans": list(plans_on_sale())}
    return private(render(request, "shop/membership_account.html", context))


# The group a "members only" page restriction names (Privacy → "Private, accessible to users in
# specific groups" → Members). Who is in it is derived: `members_only_gate` brings the visitor's
# place in it up to date from their memberships on every request for such a page, before
# Wagtail's own check reads it, so a membership that lapsed a second ago no longer opens it.
MEMBERS_GROUP = "Members"


def _members_restricted(page) -> bool:
    return any(
        restriction.restriction_type == restriction.GROUPS
        and any(group.name == MEMBERS_GROUP for group in restriction.groups.all())
        for restriction in page.get_view_restrictions()
    )


def members_only_gate(serve):
    """An `on_serve_page` hook around Wagtail's view-restriction check for member-only pages.

    A signed-in visitor's membership of the Members group is set from `user_is_member` now;
    one who is not a member gets a page pointing to the plans (403, never cached) instead
    of Wagtail's login redirect. Anonymous visitors still go to the login. Restricted
    pages are never stored in the shared page cache (`CachedPageMixin`).
    """

    def inner(page, request, serve_args, serve_kwargs):
        user = request.user
        if user.is_authenticated and not user.is_superuser and _members_restricted(page):
            group = Group.objects.get_or_create(name=MEMBERS_GROUP)[0]
            if user_is_member(user=user):
                user.groups.add(group)
            else:
                user.groups.remove(group)
                response = render(
                    request,
                    "shop/members_only.html",
                    {"page": page, "plans": list(plans_on_sale())},
                    status=403,
                )
                return private(response)
        return serve(page, request, serve_args, serve_kwargs)

    return inner
