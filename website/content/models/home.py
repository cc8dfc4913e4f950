from django.conf import settings
from django.db import models
from django.http import Http404
from django.utils.functional import SimpleLazyObject
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Orderable, Page

from website.content import selectors
from website.content.models.caching import CachedPageMixin
from website.content.models.episodes import CARD_RENDITION
from website.content.models.seo import SeoMixin

LATEST_COUNT = 3
FEATURED_RENDITION = "fill-960x540"  # templates/content/home_page.html


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
        cards = SimpleLazyObject(self._cards)
        # Read only when the page's cached fragments of them are not (templates/content/
        # home_page.html): each evaluated on first use.
        context.update(
            featured_episode=SimpleLazyObject(lambda: cards["featured_episode"]),
            latest_episodes=SimpleLazyObject(lambda: cards["latest_episodes"]),
            latest_articles=SimpleLazyObject(lambda: cards["latest_articles"]),
            featured_courses=SimpleLazyObject(lambda: selectors.featured_courses(home=self)),
        )
        return context

    def _cards(self) -> dict:
        featured = (
            self.featured_episode if self.featured_episode and self.featured_episode.live else None
        )
        episodes = list(selectors.live_episodes()[: LATEST_COUNT + 1])
        featured = featured or (episodes[0] if episodes else None)
        latest_episodes = [e for e in episodes if e != featured][:LATEST_COUNT]
        latest_articles = list(selectors.live_articles()[:LATEST_COUNT])
        # Every card's image, and the featured one's, in one query with their renditions.
        selectors.with_card_images(
            [*([featured] if featured else []), *latest_episodes, *latest_articles],
            CARD_RENDITION,
            FEATURED_RENDITION,
        )
        return {
            "featured_episode": featured,
            "latest_episodes": latest_episodes,
            "latest_articles": latest_articles,
        }

    def route(self, request, path_components):
        """Wagtail's routing in one query however deep the page (Wagtail's own takes two per
        level): the pages along the path come from `selectors.pages_along`, then the one that
        answers is read.

        The walk matches Wagtail's: a page whose type routes by itself gets the rest of the
        path, as Wagtail would hand it on; a missing step is a 404. A RoutablePageMixin page
        gets it only when one of its own routes matches it (otherwise it would hand the path
        on to its child, as Wagtail's `Page.route` does, reading it in two more queries).
        """
        if not path_components:
            return super().route(request, path_components)
        along = selectors.pages_along(root=self, slugs=path_components)
        for depth, step in enumerate(along, start=1):
            if step is None:
                raise Http404
            page_id, page_class = step
            if depth == len(along) or _routes_itself(page_class, path_components[depth:]):
                page = page_class.objects.filter(pk=page_id).first()
                if page is None:  # deleted since: the generation is about to move on
                    raise Http404
                return page.route(request, path_components[depth:])
        raise Http404  # not reached: the last step always answers


def _routes_itself(page_class: type[Page], rest: list[str]) -> bool:
    """Whether a page of this type answers for the `rest` of the path below it by itself."""
    if page_class.route is Page.route:
        return False
    if not issubclass(page_class, RoutablePageMixin):
        return True
    try:
        page_class.get_resolver().resolve("/" + "".join(f"{part}/" for part in rest))
    except Http404:  # Resolver404 too: the path goes on to a child page
        return False
    return True


class HomeFeaturedCourse(Orderable):
    """A course the editors put on the home page, in their order."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_courses")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("course")]

    def __str__(self) -> str:
        return str(self.course)
