"""Signing up or logging in inside checkout: allauth's own views and forms, rendered on the
checkout page, so a mistake (a short password, a typo in the e-mail) re-renders there with the
order summary beside it, and success goes straight back to checkout with the cart (merged into
the account on login). Sign-up stays non-enumerating (`website.accounts.forms.SignupForm`)."""

from allauth.account.forms import LoginForm
from allauth.account.views import LoginView, SignupView
from django.shortcuts import redirect
from django.urls import reverse

from shop.payments import get_gateway
from shop.selectors import cart_totals
from shop.views.carts import private, visitor_cart
from website.accounts.forms import CheckoutSignupForm


def checkout_context(request, *, totals, account_signup_form=None, account_login_form=None) -> dict:
    """What the checkout page shows: the server's totals, the gateway and, to an anonymous
    visitor, the sign-up and log-in forms (bound ones carry their errors). Their names are
    not `signup_form`, which the footer's newsletter form reads."""
    context = {"totals": totals, "gateway": get_gateway(), "checkout_url": reverse("shop:checkout")}
    if not request.user.is_authenticated:
        context["account_signup_form"] = account_signup_form or CheckoutSignupForm()
        context["account_login_form"] = account_login_form or LoginForm(
            **CheckoutLoginView.form_options(request)
        )
    return context


class _CheckoutAccountView:
    template_name = "shop/checkout.html"
    # Which of the two forms this view answers (the page opens that one, with its errors).
    form_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            self.totals = cart_totals(cart=visitor_cart(request), user=request.user)
            if not self.totals.count:
                return redirect("shop:cart")  # which says the cart is empty
        return private(super().dispatch(request, *args, **kwargs))

    def get(self, request, *args, **kwargs):
        # The forms live on the checkout page; these URLs only take their POSTs.
        return redirect("shop:checkout")

    def get_success_url(self):
        return reverse("shop:checkout")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            checkout_context(self.request, totals=self.totals, **{self.form_name: context["form"]})
        )
        context["account_form_shown"] = self.form_name
        return context


class CheckoutSignupView(_CheckoutAccountView, SignupView):
    """allauth's sign-up with the name asked for; errors re-render the checkout page."""

    form_name = "account_signup_form"

    def get_form_class(self):
        return CheckoutSignupForm


class CheckoutLoginView(_CheckoutAccountView, LoginView):
    """allauth's log-in ("log in instead"): the cart stays and joins the account's."""

    form_name = "account_login_form"

    @staticmethod
    def form_options(request) -> dict:
        # Beside the sign-up form: ids of its own, labels without allauth's colon.
        return {"request": request, "auto_id": "login-%s", "label_suffix": ""}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.form_options(self.request)}


checkout_signup = CheckoutSignupView.as_view()
checkout_login = CheckoutLoginView.as_view()
