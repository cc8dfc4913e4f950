from django.db import models
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Category(index.Indexed, models.Model):
    """A topic shared by episodes and articles, browsable at /articles/category/<slug>/."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="The category's address: /articles/category/<slug>/"
    )
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class EpisodePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.EpisodePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )
