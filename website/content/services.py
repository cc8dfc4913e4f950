"""State changes for content that are not page edits (those go through Wagtail's admin)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F
from wagtail.models import Site

from website.content.models import ContentGeneration


def content_generation_bump() -> None:
    """Retire every cached page: the counter only ever grows, and its one row is made if missing."""
    if not ContentGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        ContentGeneration.objects.get_or_create(pk=1, defaults={"value": 2})


def default_site_follow_site_url() -> Site | None:
    """Point Wagtail's default Site at `settings.SITE_URL`'s host and port; None if no site yet.

    Wagtail builds page URLs for the sitemap, previews and admin links from this record, so
    it must name the address visitors use, or those links point somewhere else
    (`http://localhost/…`). Running it again changes nothing.
    """
    parts = urlsplit(settings.SITE_URL)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    if (site.hostname, site.port) != (parts.hostname, port):
        site.hostname, site.port = parts.hostname, port
        site.save(update_fields=["hostname", "port"])
    return site
