"""StreamField blocks shared by episodes, articles and courses."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from website.content.video import (
    MAX_VIDEO_SECONDS,
    clock_label,
    iso_duration,
    parse_clock,
    parse_video_url,
)

LENGTH_FORMAT = "Enter the length as minutes:seconds (12:30) or hours:minutes:seconds (1:02:30)."


class VideoValue(blocks.StructValue):
    """A video block's value, with its length (the editor's "12:30") in the forms pages need."""

    @property
    def duration_seconds(self) -> int | None:
        return parse_clock(self.get("duration") or "")

    @property
    def duration_label(self) -> str:
        seconds = self.duration_seconds
        return clock_label(seconds) if seconds else ""

    @property
    def duration_iso(self) -> str:
        seconds = self.duration_seconds
        return iso_duration(seconds) if seconds else ""


def length_error(text: str) -> str | None:
    """Why an editor's video length is refused, or None when it is a plausible length."""
    text = text.strip()
    if text.startswith("-"):
        return "A length cannot be negative. " + LENGTH_FORMAT
    seconds = parse_clock(text)
    if seconds is None:
        return LENGTH_FORMAT
    if seconds == 0:
        return "A length must be at least one second (0:01)."
    if seconds > MAX_VIDEO_SECONDS:
        return (
            f"{clock_label(seconds)} is longer than {MAX_VIDEO_SECONDS // 3600} hours: "
            "enter the real length of the video, e.g. 12:30 or 1:02:30."
        )
    return None


class VideoBlock(blocks.StructBlock):
    """A video rendered as a light facade: nothing is requested from the provider until play.

    Either a YouTube/Vimeo URL or a self-hosted file (a Wagtail document), with optional
    WebVTT captions for the file, an optional poster image and an optional length (shown on
    the poster, and the VideoObject's `duration`).
    """

    title = blocks.CharBlock(
        max_length=200, help_text="Shown on the poster and read by screen readers."
    )
    url = blocks.URLBlock(required=False, label="YouTube or Vimeo URL")
    file = DocumentChooserBlock(required=False, label="Self-hosted video file (MP4 or WebM)")
    captions = DocumentChooserBlock(required=False, label="Captions (WebVTT .vtt file)")
    poster = ImageChooserBlock(required=False)
    duration = blocks.CharBlock(
        required=False,
        max_length=8,
        label="Length",
        help_text="How long the video runs, e.g. 12:30 or 1:02:30. Shown on the poster and "
        "given to search engines.",
    )

    class Meta:
        icon = "media"
        template = "blocks/video.html"
        value_class = VideoValue

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if value.get("url") and parse_video_url(value["url"]) is None:
            errors["url"] = ErrorList([ValidationError("Enter a YouTube or Vimeo video address.")])
        if not value.get("url") and not value.get("file"):
            errors["url"] = ErrorList(
                [ValidationError("Give a provider URL or choose a video file.")]
            )
        if value.get("duration"):
            if problem := length_error(value["duration"]):
                errors["duration"] = ErrorList([ValidationError(problem)])
            else:  # stored as it reads on the poster: "75:00" becomes "1:15:00"
                value["duration"] = clock_label(parse_clock(value["duration"]))
        captions = value.get("captions")
        if captions and not captions.file.name.lower().endswith(".vtt"):
            errors["captions"] = ErrorList(
                [ValidationError("Captions must be a WebVTT (.vtt) file.")]
            )
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["provider_video"] = (
            None if value.get("file") else parse_video_url(value.get("url") or "")
        )
        return context


class HeadingBlock(blocks.StructBlock):
    """A section heading; pages own the h1, so the body starts at h2."""

    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section (h2)"), ("h3", "Sub-section (h3)")], default="h2"
    )

    class Meta:
        icon = "title"
        template = "blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=200,
        required=False,
        help_text="Describe the image for screen readers; leave empty if decorative.",
    )
    caption = blocks.CharBlock(max_length=250, required=False)

    class Meta:
        icon = "image"
        template = "blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(max_length=120, required=False)

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"


class CallToActionBlock(blocks.StructBlock):
    """A sentence and a link to a chosen page or, failing that, a URL.

    Renders nothing when neither resolves (a chosen page that was deleted), so a stale
    block never shows a dead button.
    """

    text = blocks.CharBlock(max_length=250)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(
        max_length=300,
        required=False,
        help_text="Used when no page is chosen, e.g. /find-a-trainer/.",
    )
    link_text = blocks.CharBlock(
        max_length=60, required=False, help_text="Defaults to the chosen page's title."
    )

    default_url = ""
    default_link_text = "Learn more"

    class Meta:
        icon = "link"
        template = "blocks/call_to_action.html"

    def clean(self, value):
        value = super().clean(value)
        if not (value.get("page") or value.get("url") or self.default_url):
            raise StructBlockValidationError(
                block_errors={"page": ErrorList([ValidationError("Choose a page or give a URL.")])}
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        page = value.get("page")
        context["link_url"] = (
            (page.url if page and page.live else "") or value.get("url") or self.default_url
        )
        context["link_text"] = value.get("link_text") or (
            page.title if page else self.default_link_text
        )
        return context


class CoursePromoBlock(CallToActionBlock):
    """Points readers at a course.

    For example "Learn more about the vestibular system with The Balance Gym".
    """

    page = blocks.PageChooserBlock(required=False, page_type="courses.CoursePage")
    default_link_text = "See the course"

    class Meta:
        icon = "pick"
        template = "blocks/course_promo.html"


class TrainerFinderBlock(CallToActionBlock):
    """Sends readers to the trainer directory unless another page or URL is given."""

    default_url = "/find-a-trainer/"
    default_link_text = "Find a Trainer"

    class Meta:
        icon = "user"
        template = "blocks/trainer_finder.html"


class BodyBlock(blocks.StreamBlock):
    """The body of episodes and articles."""

    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "h2", "h3"],
        template="blocks/paragraph.html",
    )
    heading = HeadingBlock()
    image = ImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    course_promo = CoursePromoBlock()
    trainer_finder = TrainerFinderBlock()
    video = VideoBlock()
