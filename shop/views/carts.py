"""The cart page, the header mini-cart's numbers, adding and removing courses."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from courses.models import CoursePage
from shop.exceptions import ShopError
from shop.middleware import minicart_versions_note
from shop.money import format_money
from shop.selectors import (
    CART_COOKIE,
    cart_for,
    cart_summary,
    cart_totals,
    gift_card_offers_for_cart,
)
from shop.services import cart_add_course, cart_get_or_create, cart_remove_course

CART_COOKIE_AGE = 60 * 60 * 24 * 60


class CourseChoiceForm(forms.Form):
    # Page ids are 32-bit integers; a larger number must be a form error, not a database error.
    course = forms.IntegerField(min_value=1, max_value=2**31 - 1)


def visitor_cart(request):
    """The visitor's cart (by login, else by the cart cookie), or None."""
    return cart_for(user=request.user, token=request.COOKIES.get(CART_COOKIE))


def remember_cart(request, response, cart) -> None:
    """Anonymous carts are found again by a cookie holding their random token."""
    if not request.user.is_authenticated and request.COOKIES.get(CART_COOKIE) != str(cart.token):
        response.set_cookie(
            CART_COOKIE,
            str(cart.token),
            max_age=CART_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )


def private(response):
    """Personal pages are never cached."""
    add_never_cache_headers(response)
    return response


@require_GET
def cart(request):
    cart = visitor_cart(request)
    totals = cart_totals(cart=cart, user=request.user)
    offers = gift_card_offers_for_cart(
        cart=cart,
        user=request.user,
        payable_cents=totals.total_cents,
        holds_gift_cards=bool(totals.gift_card_lines),
    )
    return private(
        render(request, "shop/cart.html", {"totals": totals, "gift_card_offers": offers})
    )


@require_GET
def cart_summary_json(request):
    """The header mini-cart's numbers and whether the visitor is signed in (pages cached for
    anonymous visitors show the right account links from it); personal, so never cached."""
    minicart_versions_note(request)
    summary = cart_summary(cart=visitor_cart(request))
    subtotal = format_money(summary.subtotal_cents, settings.SITE_CURRENCY)
    items = "item" if summary.count == 1 else "items"
    return private(
        JsonResponse(
            {
                "count": summary.count,
                "subtotal_cents": summary.subtotal_cents,
                "subtotal": subtotal,
                "label": f"{subtotal} · {summary.count} {items}",
                "signed_in": request.user.is_authenticated,
            }
        )
    )


@require_POST
def cart_add(request):
    form = CourseChoiceForm(request.POST)
    course = (
        CoursePage.objects.filter(pk=form.cleaned_data["course"]).first()
        if form.is_valid()
        else None
    )
    if course is None:
        messages.error(request, "That course does not exist.")
        return redirect("shop:cart")
    cart = cart_get_or_create(user=request.user, token=request.COOKIES.get(CART_COOKIE))
    try:
        added = cart_add_course(cart=cart, course=course, user=request.user)
    except ShopError as exc:
        messages.error(request, str(exc))
        return redirect(course.url if course.live else "shop:cart")
    messages.success(
        request, f"“{course.title}” {'is now' if added else 'was already'} in your cart."
    )
    response = redirect("shop:cart")
    remember_cart(request, response, cart)
    return response


@require_POST
def cart_remove(request):
    form = CourseChoiceForm(request.POST)
    cart = visitor_cart(request)
    if form.is_valid() and cart is not None:
        cart_remove_course(cart=cart, course_id=form.cleaned_data["course"])
        messages.success(request, "Removed from your cart.")
    return redirect("shop:cart")
