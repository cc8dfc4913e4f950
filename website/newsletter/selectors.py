from django.db.models import Count, Q, QuerySet
from wagtail.documents.models import AbstractDocument
from wagtail.models import Page, Site

from website.newsletter.models import NewsletterSettings, Subscriber


def subscriber_for_email(*, email: str) -> Subscriber | None:
    """The row for an address, matched case-insensitively (addresses are stored lower-cased)."""
    return Subscriber.objects.filter(email=email.strip().lower()).first()


def subscribers_out_of_sync() -> QuerySet[Subscriber]:
    """Rows for which Subscriber.needs_provider_sync holds, as one query."""
    confirmed = Q(status=Subscriber.Status.CONFIRMED)
    known_to_provider = Q(provider_status=Subscriber.Status.CONFIRMED)
    return Subscriber.objects.filter(
        confirmed & ~known_to_provider | ~confirmed & known_to_provider
    )


def reading_list_document(*, site: Site | None) -> AbstractDocument | None:
    """The lead magnet chosen in the site's newsletter setting, if the site has one."""
    return NewsletterSettings.for_site(site).reading_list if site else None


def subscriber_counts_by_source_page() -> QuerySet[Page]:
    """Pages that brought sign-ups, annotated with subscriber counts by status, busiest first."""

    def count(status: str | None = None) -> Count:
        condition = Q(newsletter_subscribers__status=status) if status else None
        return Count("newsletter_subscribers", filter=condition)

    return (
        Page.objects.filter(newsletter_subscribers__isnull=False)
        .annotate(
            subscribers_total=count(),
            subscribers_confirmed=count(Subscriber.Status.CONFIRMED),
            subscribers_pending=count(Subscriber.Status.PENDING),
            subscribers_unsubscribed=count(Subscriber.Status.UNSUBSCRIBED),
        )
        .order_by("-subscribers_confirmed", "-subscribers_total", "title")
    )
