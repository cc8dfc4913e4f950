from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class HomePage(Page):
    """The site's front page: a hero and the ways into the site's sections."""

    hero_heading = models.CharField(max_length=120, default="Move better, feel better")
    hero_text = models.TextField(
        blank=True,
        default=(
            "Short video episodes, practical articles and online courses"
            " on brain-based movement training."
        ),
    )

    content_panels = [*Page.content_panels, FieldPanel("hero_heading"), FieldPanel("hero_text")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "home page"
