"""Gift cards: buying one into the cart, paying with a code, claiming, My account's list."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shop.exceptions import GiftCardError, ShopError
from shop.forms import GiftCardApplyForm, GiftCardCodeForm, GiftCardPurchaseForm, ItemForm
from shop.models import GiftCardDenomination
from shop.selectors import CART_COOKIE, REWARD_PAYS_COURSES_ONLY, gift_cards_for
from shop.services import (
    cart_add_gift_card,
    cart_apply_gift_card,
    cart_get_or_create,
    cart_remove_gift_card,
    cart_remove_gift_card_line,
    gift_card_claim,
)
from shop.views.carts import private, remember_cart, visitor_cart
from shop.views.rate_limits import apply_code, rate_limited
from website import ratelimits


@require_http_methods(["GET", "POST"])
def gift_card_shop(request):
    """Choose a value and a recipient; the gift card goes into the cart like a course."""
    form = GiftCardPurchaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cart = cart_get_or_create(user=request.user, token=request.COOKIES.get(CART_COOKIE))
        data = form.cleaned_data
        try:
            cart_add_gift_card(
                cart=cart,
                denomination_id=data["denomination"].pk,
                quantity=data["quantity"],
                recipient_name=data["recipient_name"],
                recipient_email=data["recipient_email"],
                message=data["message"],
                deliver_on=data["deliver_on"],
            )
        except ShopError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"{data['denomination']} for {data['recipient_name']} is in your cart."
            )
            response = redirect("shop:cart")
            remember_cart(request, response, cart)
            return response
    context = {
        "form": form,
        "has_denominations": GiftCardDenomination.objects.filter(is_active=True).exists(),
    }
    return private(render(request, "shop/gift_card_shop.html", context))


@require_POST
def gift_card_line_remove(request):
    form = ItemForm(request.POST)
    cart = visitor_cart(request)
    if form.is_valid() and cart is not None:
        cart_remove_gift_card_line(cart=cart, line_id=form.cleaned_data["item"])
        messages.success(request, "Removed from your cart.")
    return redirect("shop:cart")


@require_POST
def gift_card_apply(request):
    """Pay part or all of the cart with a gift card code, or with one of the customer's claimed
    cards by id (the cart's "Use $X"); failed attempts are rate-limited."""
    return apply_code(
        request,
        GiftCardApplyForm(request.POST),
        action="gift_card_code",
        what="gift card",
        apply=cart_apply_gift_card,
        refusals=GiftCardError,
        applied=lambda card: f"Gift card {card.display_code} applied.",
    )


@require_POST
def gift_card_unapply(request):
    form = ItemForm(request.POST)
    cart = visitor_cart(request)
    if form.is_valid() and cart is not None:
        cart_remove_gift_card(cart=cart, card_id=form.cleaned_data["item"])
        messages.success(request, "Gift card removed from this order.")
    return redirect("shop:cart")


@login_required
@require_http_methods(["GET", "POST"])
def claim_gift_card(request):
    """Claim a card into the account, from the emailed link (code prefilled) or by typing it."""
    form = GiftCardCodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if (
        request.method == "POST"
        and form.is_valid()
        and not rate_limited(request, "gift_card_code", what="gift card")
    ):
        try:
            card = gift_card_claim(code=form.cleaned_data["code"], user=request.user)
        except GiftCardError as exc:
            ratelimits.count(request, "gift_card_code")
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Gift card {card.display_code} is now in your account.")
            return redirect("shop:gift_card_list")
    return private(render(request, "shop/gift_card_claim.html", {"form": form}))


@login_required
@require_GET
def gift_card_list(request):
    """My account → Gift cards: claimed cards with balance and history."""
    cards = gift_cards_for(user=request.user)
    context = {
        "cards": cards,
        "refund_window_days": settings.SHOP_REFUND_WINDOW_DAYS,
        "reward_note": REWARD_PAYS_COURSES_ONLY,
    }
    return private(render(request, "shop/gift_card_list.html", context))
