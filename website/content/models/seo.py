from django.db import models
from django.utils.functional import SimpleLazyObject
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from website.absolute_urls import absolute_url

SHARE_RENDITION = "fill-1200x630"


class SeoHeadMixin:
    """Canonical URL, OpenGraph/Twitter values and JSON-LD for a page, filled into its context.

    Every public page type mixes this in (before `Page`), so templates/content/includes/
    seo_head.html has the same facts everywhere. The keyword arguments a page's routes pass
    to `render` (e.g. `category=`, `trainer=`) reach every hook, so a route can describe
    itself. All URLs are absolute on settings.SITE_URL.
    """

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        breadcrumbs = self.breadcrumbs(request, **kwargs)

        def share_image_url() -> str:
            image = self.share_image(**kwargs)
            return absolute_url(image.get_rendition(SHARE_RENDITION).url) if image else ""

        context.update(
            canonical_url=absolute_url(request.path),
            breadcrumbs=breadcrumbs,
            og_title=self.og_title(**kwargs),
            og_description=self.og_description(**kwargs),
            og_type=self.og_type,
            # Read only when a page's cached fragment of its head is not (e.g. templates/
            # content/episode_page.html): each evaluated on first use.
            share_image_url=SimpleLazyObject(share_image_url),
            structured_data=SimpleLazyObject(
                lambda: [*self.structured_data(request, **kwargs), breadcrumb_list(breadcrumbs)]
            ),
        )
        return context

    og_type = "website"

    def og_title(self, **kwargs) -> str:
        return self.seo_title or self.title

    def og_description(self, **kwargs) -> str:
        return self.search_description or getattr(self, "summary", "") or ""

    def share_image(self, **kwargs):
        return None

    def structured_data(self, request, **kwargs) -> list[dict]:
        """The page's own schema.org objects; the BreadcrumbList is added for every page."""
        return []

    def breadcrumbs(self, request, **kwargs) -> list[tuple[str, str]]:
        """(title, absolute URL) from the home page down to this page; the ancestors' come from
        a memo kept per content generation (publishing, moving and renaming retire it)."""
        from website.content import selectors

        if not self.pk:  # a preview of a page not saved yet
            ancestors = self.get_ancestors().filter(depth__gte=2) if self.path else []
            crumbs = [(page.title, absolute_url(page.get_url(request))) for page in ancestors]
        else:
            crumbs = selectors.ancestor_crumbs(page=self)
        return [*crumbs, (self.title, absolute_url(self.get_url(request)))]


class SeoMixin(SeoHeadMixin, models.Model):
    """SeoHeadMixin plus an editor-chosen share image (OpenGraph) on the promote tab."""

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

    def share_image(self, **kwargs):
        return self.og_image


def breadcrumb_list(breadcrumbs: list[tuple[str, str]]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(breadcrumbs, start=1)
        ],
    }
