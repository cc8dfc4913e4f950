import math
from datetime import date

from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.functional import SimpleLazyObject, cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from website.absolute_urls import absolute_url
from website.content import selectors
from website.content.blocks import BodyBlock
from website.content.models.caching import CachedPageMixin
from website.content.models.episodes import CARD_RENDITION
from website.content.models.seo import SeoMixin
from website.content.models.taxonomy import ArticlePageTag, Category

ITEMS_PER_PAGE = 12
WORDS_PER_MINUTE = 230


class ArticleIndexPage(CachedPageMixin, RoutablePageMixin, SeoMixin, Page):
    """/articles/: live articles, newest first; /articles/category/<slug>/: one topic.

    A category page lists that category's episodes *and* articles together. Page numbers
    past the end show the last page; an unknown slug is a 404.
    """

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.ArticlePage"]
    max_count = 1

    class Meta:
        verbose_name = "article index page"

    def get_context(self, request, *args, category=None, **kwargs):
        context = super().get_context(request, *args, category=category, **kwargs)

        def items():
            pages = (
                selectors.category_pages(category=category)
                if category
                else selectors.live_articles()
            )
            items = Paginator(pages, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
            items.object_list = selectors.with_card_images(items.object_list, CARD_RENDITION)
            return items

        # Read only when the page's cached fragment of them is not (templates/content/
        # article_index_page.html, category_page.html): evaluated on first use.
        context["items"] = SimpleLazyObject(items)
        context["category"] = category
        context["category_links"] = selectors.category_links()
        return context

    def og_title(self, *, category=None, **kwargs) -> str:
        return category.name if category else super().og_title()

    def og_description(self, *, category=None, **kwargs) -> str:
        return category.description if category else super().og_description()

    def breadcrumbs(self, request, *, category=None, **kwargs) -> list[tuple[str, str]]:
        crumbs = super().breadcrumbs(request)
        if category:
            crumbs.append((category.name, absolute_url(self.category_url(category, request))))
        return crumbs

    @path("category/<slug:slug>/", name="category")
    def category(self, request, slug):
        category = get_object_or_404(Category, slug=slug)
        return self.render(request, category=category, template="content/category_page.html")

    def get_sitemap_urls(self, request=None):
        base = self.get_full_url(request)
        return [
            *super().get_sitemap_urls(request),
            *(
                {"location": base + self.reverse_subpage("category", args=[c.slug])}
                for c in selectors.categories_in_use()
            ),
        ]

    def category_url(self, category, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage("category", args=[category.slug])


class ArticlePage(CachedPageMixin, SeoMixin, Page):
    """A written article with author, date, hero image and a reading time from its length."""

    author = models.CharField(max_length=120)
    date = models.DateField("publish date", default=date.today)
    summary = models.TextField(
        blank=True, help_text="One or two sentences for listings, feeds and search results."
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(BodyBlock(), blank=True)
    categories = ParentalManyToManyField("content.Category", blank=True, related_name="articles")
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("author"),
        index.FilterField("date"),
    ]
    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("author"), FieldPanel("date")], heading="Byline"),
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("categories", widget=forms.CheckboxSelectMultiple), FieldPanel("tags")],
            heading="Classification",
        ),
    ]

    parent_page_types = ["content.ArticleIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "article"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["category_links"] = selectors.category_links()
        return context

    @property
    def reading_minutes(self) -> int:
        """Whole minutes at an unhurried pace, never less than one."""
        words = sum(
            len(str(text).split())
            for text in self.body.stream_block.get_searchable_content(self.body)
        )
        return max(1, math.ceil(words / WORDS_PER_MINUTE))

    og_type = "article"

    def share_image(self, **kwargs):
        return self.og_image or self.hero_image

    def card_image_id(self) -> int | None:
        """The id of `share_image`, without a query (`selectors.with_card_images`)."""
        return self.og_image_id or self.hero_image_id

    @cached_property
    def card_image(self):
        """The image on this article's card; `selectors.with_card_images` sets it for a list."""
        return self.share_image()

    def structured_data(self, request, **kwargs) -> list[dict]:
        data = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": self.seo_title or self.title,
            "description": self.search_description or self.summary,
            "datePublished": self.date.isoformat(),
            "author": {"@type": "Person", "name": self.author},
            "mainEntityOfPage": absolute_url(self.get_url(request)),
        }
        if image := self.share_image():
            data["image"] = [absolute_url(image.get_rendition("fill-1200x630").url)]
        return [data]
