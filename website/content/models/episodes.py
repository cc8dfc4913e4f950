import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils.functional import SimpleLazyObject, cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from website.absolute_urls import absolute_url
from website.content import selectors
from website.content.blocks import BodyBlock, VideoBlock
from website.content.models.caching import CachedPageMixin
from website.content.models.seo import SeoMixin
from website.content.models.taxonomy import EpisodePageTag
from website.content.video import parse_clock, parse_video_url

TIMESTAMP = re.compile(r"^(\d{1,3}):([0-5]\d)$")
EPISODE_SUFFIX = re.compile(r"\s*[-\u2013\u2014]\s*Episode\s+\d+\s*$")
EN_DASH = "\u2013"
EPISODES_PER_PAGE = 12
CARD_RENDITION = "fill-640x360"  # templates/content/includes/page_card.html


def validate_timestamp(value: str) -> None:
    if not TIMESTAMP.match(value):
        raise ValidationError(
            "Enter minutes and seconds as mm:ss, e.g. 4:05 (seconds run 00 to 59).", code="invalid"
        )


class EpisodeIndexPage(CachedPageMixin, SeoMixin, Page):
    """/episodes/: every live episode, newest first, paginated."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.EpisodePage"]
    max_count = 1

    class Meta:
        verbose_name = "episode index page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        episodes = Paginator(selectors.live_episodes(), EPISODES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        episodes.object_list = selectors.with_card_images(episodes.object_list, CARD_RENDITION)
        context["episodes"] = episodes
        context["category_links"] = selectors.category_links()
        return context


class EpisodePage(CachedPageMixin, SeoMixin, Page):
    """One numbered video episode: video, highlights, spoken article, calls to action.

    The title always ends in "<en dash> Episode <number>"; `clean` adds it when the editor did not.
    """

    number = models.PositiveIntegerField("episode number", unique=True)
    date = models.DateField("publish date", default=date.today)
    summary = models.TextField(
        blank=True, help_text="One or two sentences for listings, feeds and search results."
    )
    video = StreamField([("video", VideoBlock())], max_num=1, blank=True)
    body = StreamField(BodyBlock(), blank=True)
    transcript = RichTextField(blank=True, features=["bold", "italic", "link"])
    categories = ParentalManyToManyField("content.Category", blank=True, related_name="episodes")
    tags = ClusterTaggableManager(through=EpisodePageTag, blank=True)

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("transcript"),
        index.RelatedFields("highlights", [index.SearchField("text")]),
        index.FilterField("date"),
    ]
    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("number"), FieldPanel("date")], heading="Episode"),
        FieldPanel("summary"),
        FieldPanel("video"),
        InlinePanel("highlights", label="Video highlight", heading="Video highlights"),
        FieldPanel("body"),
        FieldPanel("transcript"),
        MultiFieldPanel(
            [FieldPanel("categories", widget=forms.CheckboxSelectMultiple), FieldPanel("tags")],
            heading="Classification",
        ),
        InlinePanel(
            "related_episode_links",
            label="Related episode",
            heading="Related episodes",
            help_text="Leave empty to show the latest episodes that share a category.",
        ),
    ]

    parent_page_types = ["content.EpisodeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "episode"

    def clean(self):
        super().clean()
        if self.number is not None and self.title:
            self.title = f"{EPISODE_SUFFIX.sub('', self.title)} {EN_DASH} Episode {self.number}"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read only when the page's cached fragment of them is not (templates/content/
        # episode_page.html): a lazy list, evaluated on its first use.
        context["related_episodes"] = SimpleLazyObject(
            lambda: selectors.with_card_images(
                selectors.related_episodes(episode=self), CARD_RENDITION
            )
        )
        context["category_links"] = selectors.category_links()
        return context

    @property
    def video_value(self):
        """The video block's value (title, url, file, captions, poster), or None."""
        return self.video[0].value if self.video else None

    def video_raw(self) -> dict | None:
        """The video block's stored value (image and document ids, not objects): no query."""
        raw = self.video.raw_data
        return raw[0]["value"] if len(raw) else None

    @cached_property
    def highlight_list(self) -> list:
        """The highlights, read once for the page and its structured data."""
        return list(self.highlights.all())

    og_type = "video.episode"

    def share_image(self, **kwargs):
        return self.og_image or (self.video_value or {}).get("poster")

    def card_image_id(self) -> int | None:
        """The id of `share_image`, without a query (`selectors.with_card_images`)."""
        return self.og_image_id or (self.video_raw() or {}).get("poster")

    @cached_property
    def card_image(self):
        """The image on this episode's card; `selectors.with_card_images` sets it for a list."""
        return self.share_image()

    def structured_data(self, request, **kwargs) -> list[dict]:
        video = self.video_value
        if video is None:
            return []
        url = absolute_url(self.get_url(request))
        poster = self.share_image()
        data = {
            "@context": "https://schema.org",
            "@type": "VideoObject",
            "name": self.title,
            "description": self.search_description or self.summary or self.title,
            "uploadDate": self.date.isoformat(),
            "url": url,
        }
        if poster:
            data["thumbnailUrl"] = [absolute_url(poster.get_rendition("fill-1280x720").url)]
        if video.get("file"):
            data["contentUrl"] = absolute_url(video["file"].url)
        elif provider := parse_video_url(video.get("url") or ""):
            data["embedUrl"] = provider.embed_url.split("?")[0]
        length = video.duration_seconds
        if length:
            data["duration"] = video.duration_iso
        timed = [
            (h.text, h.start_seconds) for h in self.highlight_list if h.start_seconds is not None
        ]
        clips = []
        for position, (name, start) in enumerate(timed):
            clip = {"@type": "Clip", "name": name, "startOffset": start, "url": f"{url}?t={start}"}
            # A clip ends where the next one starts, the last one where the video ends.
            following = [later for _, later in timed[position + 1 :] if later > start]
            if length and length > start:
                following.append(length)
            if following:
                clip["endOffset"] = following[0]
            clips.append(clip)
        if clips:
            data["hasPart"] = clips
        return [data]


class EpisodeHighlight(Orderable):
    """A line under the video; with a timestamp, clicking it starts the video there."""

    page = ParentalKey(EpisodePage, on_delete=models.CASCADE, related_name="highlights")
    text = models.CharField(max_length=200)
    timestamp = models.CharField(
        max_length=6,
        blank=True,
        validators=[validate_timestamp],
        help_text="Optional, as mm:ss (e.g. 2:15): where this moment starts in the video.",
    )

    panels = [FieldPanel("text"), FieldPanel("timestamp")]

    def __str__(self) -> str:
        return self.text

    @property
    def start_seconds(self) -> int | None:
        return parse_clock(self.timestamp)


class RelatedEpisode(Orderable):
    page = ParentalKey(EpisodePage, on_delete=models.CASCADE, related_name="related_episode_links")
    episode = models.ForeignKey(EpisodePage, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("episode")]

    def __str__(self) -> str:
        return str(self.episode)
