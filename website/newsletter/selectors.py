from django.db.models import Count, Q, QuerySet
from wagtail.models import Page

from website.newsletter.models import Subscriber


def subscriber_for_email(*, email: str) -> Subscriber | None:
    """The row for an address, matched case-insensitively (addresses are stored lower-cased)."""
    return Subscriber.objects.filter(email=email.strip().lower()).first()


def subscribers_out_of_sync() -> QuerySet[Subscriber]:
    """Rows whose provider has not yet heard their latest status (pending rows never go out)."""
    return Subscriber.objects.filter(
        Q(status=Subscriber.Status.CONFIRMED) & ~Q(provider_status=Subscriber.Status.CONFIRMED)
        | Q(status=Subscriber.Status.UNSUBSCRIBED, provider_status=Subscriber.Status.CONFIRMED)
    )


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
