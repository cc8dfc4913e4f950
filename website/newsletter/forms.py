from django import forms
from wagtail.models import Page

from website.newsletter.models import validate_single_line


class SingleLineMixin:
    """Checks the raw value before any stripping, so a trailing newline is refused, not trimmed."""

    def to_python(self, value):
        if isinstance(value, str):
            validate_single_line(value)
        return super().to_python(value)


class SingleLineEmailField(SingleLineMixin, forms.EmailField):
    pass


class SingleLineCharField(SingleLineMixin, forms.CharField):
    pass


class SignupForm(forms.Form):
    """The newsletter sign-up: an address, an optional first name, and two hidden fields.

    `leave_empty` is a honeypot that people never see, named so that no browser autofills it;
    `source_page` is the id of the page the form sat on, ignored unless it is a live page.
    """

    email = SingleLineEmailField(label="E-mail address", max_length=254)
    first_name = SingleLineCharField(label="First name", max_length=100, required=False)
    leave_empty = forms.CharField(required=False, max_length=200)
    source_page = forms.CharField(required=False)

    def clean_source_page(self) -> Page | None:
        value = self.cleaned_data["source_page"]
        # Nine ASCII digits stay inside every database's integer range.
        if not (value.isascii() and value.isdigit() and len(value) <= 9):
            return None
        return Page.objects.live().filter(pk=int(value)).first()

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("leave_empty"))
