"""State changes for content that are not page edits (those go through Wagtail's admin)."""

from django.db.models import F

from website.content.models import ContentGeneration


def content_generation_bump() -> None:
    """Retire every cached page: the counter only ever grows, and its one row is made if missing."""
    if not ContentGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        ContentGeneration.objects.get_or_create(pk=1, defaults={"value": 2})
