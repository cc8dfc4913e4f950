"""Store forms: buying a gift card, typing a gift card code."""

from django import forms

from shop.models import GiftCardDenomination


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
