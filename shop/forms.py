"""Store forms: buying a gift card, typing a gift card code, and money typed as money."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import lazy
from django.utils.text import format_lazy

from shop.models import GiftCardDenomination
from shop.money import (
    MONEY_INPUT_MAX_CENTS,
    currency_name_plural,
    decimal_amount,
    format_money,
    parse_money,
)


def _currency_hint() -> str:
    return f"In {currency_name_plural(settings.SITE_CURRENCY)}, such as 49.99."


class _CentsAsAmount:
    """Shows integer cents as the amount a person types: 4999 → "49.99" (typed text as is)."""

    def format_value(self, value):
        if isinstance(value, int):
            return decimal_amount(value, settings.SITE_CURRENCY)
        return super().format_value(value)


class MoneyInput(_CentsAsAmount, forms.TextInput):
    """The text box of a MoneyField."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class MoneyHiddenInput(_CentsAsAmount, forms.HiddenInput):
    """A MoneyField carried through a confirmation page: the amount, never the cents, so it
    is read back as the same amount."""


class MoneyField(forms.Field):
    """An amount of money typed in the site currency ("49.99"), cleaned to integer cents.

    Every money input of the admin is one (`money_form_field_override` makes any model
    integer field named `…_cents` one). `min_value` / `max_value` are in cents; above
    MONEY_INPUT_MAX_CENTS nothing is taken. A bad amount gets `parse_money`'s sentence.
    """

    widget = MoneyInput
    hidden_widget = MoneyHiddenInput

    def __init__(self, *, min_value: int | None = None, max_value: int | None = None, **kwargs):
        self.min_value = min_value
        self.max_value = MONEY_INPUT_MAX_CENTS if max_value is None else max_value
        help_text = kwargs.pop("help_text", "")
        kwargs["help_text"] = format_lazy(
            "{}{}{}", help_text, " " if help_text else "", lazy(_currency_hint, str)()
        )
        super().__init__(**kwargs)

    def to_python(self, value) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return parse_money(str(value), settings.SITE_CURRENCY, max_cents=self.max_value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                f"Give at least {format_money(self.min_value, settings.SITE_CURRENCY)}.",
                code="min_value",
            )
        if value > self.max_value:
            raise ValidationError(
                f"Give at most {format_money(self.max_value, settings.SITE_CURRENCY)}.",
                code="max_value",
            )

    def has_changed(self, initial, data) -> bool:
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


def money_form_field_override(db_field: models.Field) -> dict:
    """Wagtail's form-field override for integer model fields: money (named `…_cents`, the
    project's rule) is typed in the site currency through MoneyField; others as they were."""
    return {"form_class": MoneyField} if db_field.name.endswith("_cents") else {}


class GiftCardPurchaseForm(forms.Form):
    denomination = forms.ModelChoiceField(
        queryset=GiftCardDenomination.objects.filter(is_active=True),
        empty_label=None,
        widget=forms.RadioSelect,
        label="Value",
    )
    quantity = forms.IntegerField(min_value=1, max_value=10, initial=1)
    recipient_name = forms.CharField(max_length=100, label="Recipient's name")
    recipient_email = forms.EmailField(label="Recipient's email")
    message = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deliver_on = forms.DateField(
        required=False,
        label="Delivery date",
        help_text="Leave empty (or pick a past date) to send it right after payment.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class GiftCardCodeForm(forms.Form):
    code = forms.CharField(max_length=40, strip=True, label="Gift card code")


class GiftCardApplyForm(forms.Form):
    """The cart's gift-card box: a typed code, or one of the customer's claimed cards by id
    (the one-click "Use $X"). Only an id is sent, never an amount."""

    code = forms.CharField(max_length=40, strip=True, required=False, label="Gift card code")
    card_id = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("code") and data.get("card_id") is None:
            raise forms.ValidationError("Enter a gift card code.")
        return data


class ItemForm(forms.Form):
    """Names one of the cart's own rows (a gift card line or an applied card) by id."""

    item = forms.IntegerField(min_value=1)
