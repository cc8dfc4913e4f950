"""The pages a buyer checks before paying: privacy policy, terms, refund policy, contact.

Which page is which is a site setting (`TrustPages`), so the footer and checkout link them
wherever editors put them; the contact page is a form page that e-mails the coach.
"""

from django.db import models, transaction
from django.template.response import TemplateResponse
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.search import index

from website import ratelimits
from website.content import tasks
from website.content.models.seo import SeoMixin

CONTACT_LIMITED = (
    "You have sent several messages in a short time. Please try again in an hour, "
    "or write to us directly."
)


@register_setting(icon="doc-full")
class TrustPages(BaseSiteSetting):
    """The site's privacy policy, terms, refund policy and contact page, linked from the
    footer and from checkout; an empty choice (or an unpublished page) is simply not linked."""

    select_related = ["privacy_policy", "terms", "refund_policy", "contact"]

    privacy_policy = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    terms = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="terms of sale",
    )
    refund_policy = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="contact page",
    )

    panels = [
        FieldPanel("privacy_policy"),
        FieldPanel("terms"),
        FieldPanel("refund_policy"),
        FieldPanel("contact"),
    ]

    class Meta:
        verbose_name = "trust pages"

    def links(self) -> list[tuple[str, models.Model]]:
        """(label, page) of each chosen, live page, in the footer's order."""
        chosen = [
            ("Privacy policy", self.privacy_policy),
            ("Terms of sale", self.terms),
            ("Refund policy", self.refund_policy),
            ("Contact", self.contact),
        ]
        return [(label, page) for label, page in chosen if page is not None and page.live]


class ContactFormField(AbstractFormField):
    page = ParentalKey("ContactPage", on_delete=models.CASCADE, related_name="form_fields")


class ContactPage(SeoMixin, AbstractEmailForm):
    """A contact form whose messages e-mail the coach (`to_address`) in the branded layout,
    replying to the visitor; each is also kept under the page's submissions. Sending is
    rate-limited per address (RATE_LIMITS["contact_form"])."""

    intro = RichTextField(blank=True)
    thank_you_text = RichTextField(blank=True)

    search_fields = [*AbstractEmailForm.search_fields, index.SearchField("intro")]
    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading="E-mail to the coach",
        ),
    ]

    parent_page_types = ["content.HomePage", "content.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = "contact page"

    def serve(self, request, *args, **kwargs):
        if request.method != "POST":
            return super().serve(request, *args, **kwargs)
        form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
        status = 200
        if form.is_valid():
            if ratelimits.attempt(request, "contact_form"):
                submission = self.process_form_submission(form)
                return self.render_landing_page(request, submission, *args, **kwargs)
            form.add_error(None, CONTACT_LIMITED)
            status = 429
        context = self.get_context(request)
        context["form"] = form
        return TemplateResponse(request, self.get_template(request), context, status=status)

    def process_form_submission(self, form):
        """Keep the submission, then e-mail it (a queued task, once the row is committed)."""
        submission = AbstractForm.process_form_submission(self, form)
        if self.to_address:
            transaction.on_commit(
                lambda: tasks.send_contact_message.enqueue(submission_id=submission.pk)
            )
        return submission
