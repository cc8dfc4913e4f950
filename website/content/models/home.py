from django.conf import settings
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page

from website.content import selectors
from website.content.models.caching import CachedPageMixin
from website.content.models.seo import SeoMixin

LATEST_COUNT = 3


class HomePage(CachedPageMixin, SeoMixin, Page):
    """The site's front page: hero, a featured episode, the latest episodes and articles,
    editor-chosen courses, the trainer call to action and the newsletter signup.
    """

    hero_heading = models.CharField(max_length=120, default="Move better, feel better")
    hero_text = models.TextField(
        blank=True,
        default=(
            "Short video episodes, practical articles and online courses "
            "on brain-based movement training."
        ),
    )
    featured_episode = models.ForeignKey(
        "content.EpisodePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Leave empty to feature the latest episode.",
    )
    trainer_cta_heading = models.CharField(max_length=120, default="Work with a coach near you")
    trainer_cta_text = models.CharField(
        max_length=250,
        default="Looking for individualized coaching? Search trainers on our Find A Trainer page",
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("hero_heading"), FieldPanel("hero_text")], heading="Hero"),
        FieldPanel("featured_episode"),
        InlinePanel("featured_courses", label="Featured course", heading="Featured courses"),
        MultiFieldPanel(
            [FieldPanel("trainer_cta_heading"), FieldPanel("trainer_cta_text")],
            heading="Find a Trainer",
        ),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "content.EpisodeIndexPage",
        "content.ArticleIndexPage",
        "courses.CourseIndexPage",
        "trainers.TrainerDirectoryPage",
        "content.StandardPage",
        "content.ContactPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = "home page"

    def og_title(self, **kwargs) -> str:
        # The front page shares as the site, not as the page's admin title ("Home").
        return self.seo_title or settings.WAGTAIL_SITE_NAME

    def og_description(self, **kwargs) -> str:
        return self.search_description or self.hero_text

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        featured = (
            self.featured_episode if self.featured_episode and self.featured_episode.live else None
        )
        episodes = list(selectors.live_episodes()[: LATEST_COUNT + 1])
        featured = featured or (episodes[0] if episodes else None)
        context.update(
            featured_episode=featured,
            latest_episodes=[e for e in episodes if e != featured][:LATEST_COUNT],
            latest_articles=selectors.live_articles()[:LATEST_COUNT],
            featured_courses=selectors.featured_courses(home=self),
        )
        return context


class HomeFeaturedCourse(Orderable):
    """A course the editors put on the home page, in their order."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_courses")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("course")]

    def __str__(self) -> str:
        return str(self.course)
