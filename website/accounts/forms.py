"""allauth's forms, fitted to the site."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.utils import filter_users_by_email
from django import forms
from django.shortcuts import redirect


class SignupForm(AllauthSignupForm):
    """Sign-up that never says whether an address already has an account.

    allauth hides it only under mandatory e-mail verification, which would stand between a new
    buyer and checkout. So an address in use is answered as allauth's enumeration prevention
    answers it: no account is made, the owner gets allauth's "account already exists" e-mail
    (with links to log in or reset the password), and the visitor sees allauth's "check your
    inbox" page, the one a sign-up that needs verification shows.

    It asks for the person's name (allauth's adapter saves `first_name` on the new user), so
    receipts and the account greet them by it.
    """

    first_name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["first_name", "email", "password1", "password2"]

    def validate_unique_email(self, value):
        if filter_users_by_email(value):
            self.account_already_exists = True
            return value
        return super().validate_unique_email(value)

    def try_save(self, request):
        if not self.account_already_exists:
            return super().try_save(request)
        get_adapter(request).send_account_already_exists_mail(self.cleaned_data["email"])
        return None, redirect("account_email_verification_sent")


class CheckoutSignupForm(SignupForm):
    """Sign-up inside checkout, where the name is required: the order and receipt carry it."""

    def __init__(self, *args, **kwargs):
        # Two forms share the checkout page: their ids must not collide.
        kwargs.setdefault("auto_id", "signup-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
