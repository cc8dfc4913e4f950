import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.documents import get_document_model_string


def validate_single_line(value: str) -> None:
    """Refuse control characters: newlines in a name or address could smuggle e-mail headers."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError("Use a single line of plain text.", code="control_characters")


class Subscriber(models.Model):
    """One address on (or once on) the newsletter list.

    The address is stored lower-cased and is unique, so signing up again finds the same
    row. Only `status == CONFIRMED` rows are on the list: a row becomes confirmed solely
    through the confirmation link (double opt-in).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField("e-mail address", unique=True, validators=[validate_single_line])
    first_name = models.CharField(max_length=100, blank=True, validators=[validate_single_line])
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    source_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_subscribers",
        help_text="The page the visitor signed up on.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_emailed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # The status the e-mail service provider last heard of (blank: it never heard of the address).
    provider_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    provider_attempts = models.PositiveSmallIntegerField(default=0)
    provider_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "subscriber"
        verbose_name_plural = "subscribers"

    def __str__(self):
        return self.email

    @property
    def source_page_title(self) -> str:
        return self.source_page.title if self.source_page else ""

    @property
    def needs_provider_sync(self) -> bool:
        """The provider has yet to hear that this address joined the list, or that it left."""
        if self.status == self.Status.CONFIRMED:
            return self.provider_status != self.Status.CONFIRMED
        return self.provider_status == self.Status.CONFIRMED


@register_setting(icon="mail")
class NewsletterSettings(BaseSiteSetting):
    """Per-site newsletter settings: the lead magnet sent to every confirmed subscriber."""

    reading_list = models.ForeignKey(
        get_document_model_string(),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The recommended reading list new subscribers receive once they confirm.",
    )

    panels = [FieldPanel("reading_list")]

    class Meta:
        verbose_name = "newsletter"
