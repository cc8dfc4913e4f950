from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from website.absolute_urls import absolute_url


class SeoMixin(models.Model):
    """Canonical URL, share image and JSON-LD for a page, filled into its template context.

    The SEO title and description are Wagtail's own promote-tab fields; this adds the
    OpenGraph image and the structured data every page type describes itself with.
    """

    og_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="share image",
        help_text="Shown when the page is shared (OpenGraph); defaults to the page's own image.",
    )

    promote_panels = [*Page.promote_panels, FieldPanel("og_image")]

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        breadcrumbs = self.breadcrumbs(request, **kwargs)
        image = self.share_image()
        context.update(
            canonical_url=absolute_url(request.path),
            breadcrumbs=breadcrumbs,
            share_image_url=absolute_url(image.get_rendition("fill-1200x630").url) if image else "",
            structured_data=[*self.structured_data(request), breadcrumb_list(breadcrumbs)],
        )
        return context

    def share_image(self):
        return self.og_image

    def structured_data(self, request) -> list[dict]:
        """The page's own schema.org objects; the BreadcrumbList is added for every page."""
        return []

    def breadcrumbs(self, request, **kwargs) -> list[tuple[str, str]]:
        """(title, absolute URL) from the home page down to this page."""
        return [
            (page.title, absolute_url(page.get_url(request)))
            for page in self.get_ancestors(inclusive=True).filter(depth__gte=2)
        ]


def breadcrumb_list(breadcrumbs: list[tuple[str, str]]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(breadcrumbs, start=1)
        ],
    }
