"""Choosing to pay a course in instalments, and My account → Payment plans."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from courses.models import CoursePage
from shop.exceptions import ShopError
from shop.selectors import CART_COOKIE, instalment_plans_for
from shop.services import cart_choose_instalments, cart_get_or_create
from shop.views.carts import private, remember_cart


class InstalmentChoiceForm(forms.Form):
    course = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    pay = forms.ChoiceField(choices=[("instalments", "instalments"), ("full", "full")])


@require_POST
def cart_instalments(request):
    """Put the course in the cart paid in its monthly instalments (or back to in full)."""
    form = InstalmentChoiceForm(request.POST)
    course = (
        CoursePage.objects.filter(pk=form.cleaned_data["course"]).first()
        if form.is_valid()
        else None
    )
    if course is None:
        messages.error(request, "That course does not exist.")
        return redirect("shop:cart")
    in_instalments = form.cleaned_data["pay"] == "instalments"
    cart = cart_get_or_create(user=request.user, token=request.COOKIES.get(CART_COOKIE))
    try:
        cart_choose_instalments(
            cart=cart, course=course, user=request.user, in_instalments=in_instalments
        )
    except ShopError as exc:
        messages.error(request, str(exc))
        return redirect(course.url if course.live else "shop:cart")
    messages.success(
        request,
        f"“{course.title}” is in your cart, paid in {course.instalment_count} monthly instalments."
        if in_instalments
        else f"“{course.title}” is in your cart, paid in full.",
    )
    response = redirect("shop:cart")
    remember_cart(request, response, cart)
    return response


@login_required
@require_GET
def instalment_account(request):
    """My account → Payment plans: instalments paid k of N, the next charge and its date."""
    context = {"plans": instalment_plans_for(user=request.user)}
    return private(render(request, "shop/instalment_account.html", context))
