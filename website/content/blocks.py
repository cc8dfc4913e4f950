"""StreamField blocks shared by episodes, articles and courses."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from website.content.video import parse_video_url


class VideoBlock(blocks.StructBlock):
    """A video rendered as a light facade: nothing is requested from the provider until play.

    Either a YouTube/Vimeo URL or a self-hosted file (a Wagtail document), with optional
    WebVTT captions for the file and an optional poster image.
    """

    title = blocks.CharBlock(
        max_length=200, help_text="Shown on the poster and read by screen readers."
    )
    url = blocks.URLBlock(required=False, label="YouTube or Vimeo URL")
    file = DocumentChooserBlock(required=False, label="Self-hosted video file (MP4 or WebM)")
    captions = DocumentChooserBlock(required=False, label="Captions (WebVTT .vtt file)")
    poster = ImageChooserBlock(required=False)

    class Meta:
        icon = "media"
        template = "blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if value.get("url") and parse_video_url(value["url"]) is None:
            errors["url"] = ErrorList([ValidationError("Enter a YouTube or Vimeo video address.")])
        if not value.get("url") and not value.get("file"):
            errors["url"] = ErrorList(
                [ValidationError("Give a provider URL or choose a video file.")]
            )
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
