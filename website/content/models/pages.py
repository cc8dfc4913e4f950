from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from website.content.blocks import BodyBlock
from website.content.models.caching import CachedPageMixin
from website.content.models.seo import SeoMixin


class StandardPage(CachedPageMixin, SeoMixin, Page):
    """A plain page of text: about, privacy policy, terms, refund policy, an imported page.

    The same body blocks as an article, with no byline or date; it can sit under the home
    page or under another standard page (e.g. /legal/privacy/).
    """

    intro = models.TextField(
        blank=True, help_text="An opening sentence or two, also used in search results."
    )
    body = StreamField(BodyBlock(), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["content.HomePage", "content.StandardPage"]
    subpage_types = ["content.StandardPage", "content.ContactPage"]

    class Meta:
        verbose_name = "standard page"

    def og_description(self, **kwargs) -> str:
        return self.search_description or self.intro
