"""State changes of the newsletter: every step of a subscriber's life goes through these.
 Links in the e-mails start
with `settings.SITE_URL` (website/absolute_urls.py).
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page

from website.newsletter import emails, tasks
from website.newsletter.exceptions import SubscriptionEnded
from website.newsletter.models import Subscriber
from website.newsletter.providers import ProviderError, get_provider

# Signing up again inside this window sends nothing, so the form cannot be used to flood a mailbox.
RESEND_COOLDOWN = timedelta(minutes=15)


def subscriber_request(*, email: str, first_name: str, source_page: Page | None) -> Subscriber:
    """Ask for a subscription (double opt-in).

    A new or unsubscribed address becomes pending and gets a confirmation link; a pending
    address gets the link again and a confirmed one its welcome e-mail again, but at most
    once per RESEND_COOLDOWN. The caller sees the same outcome in every case, so the form
    never tells a visitor whether an address is on the list. Nothing becomes confirmed here.
    """
    email = email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        Subscriber.objects.get_or_create(
            email=email, defaults={"first_name": first_name, "source_page": source_page}
        )
        # The lock orders concurrent requests on PostgreSQL; SQLite serialises writers anyway.
        subscriber = Subscriber.objects.select_for_update().get(email=email)
        if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            subscriber.status = Subscriber.Status.PENDING
            subscriber.first_name = first_name or subscriber.first_name
            subscriber.source_page = source_page
            subscriber.confirmed_at = None
        elif subscriber.last_emailed_at and subscriber.last_emailed_at > now - RESEND_COOLDOWN:
            return subscriber
        subscriber.last_emailed_at = now
        subscriber.save()
    email = (
        emails.CONFIRMATION if subscriber.status == Subscriber.Status.PENDING else emails.WELCOME
    )
    tasks.send_newsletter_email.enqueue(email.template, subscriber.pk)
    return subscriber


def subscriber_confirm(*, subscriber: Subscriber) -> Subscriber:
    """Confirm a pending subscriber: onto the list, lead magnet sent, provider told.

    Idempotent: confirming a confirmed subscriber changes and sends nothing. A subscriber who
    unsubscribed since the link was sent stays unsubscribed (SubscriptionEnded): coming back
    takes a new sign-up and a new confirmation.
    """
    now = timezone.now()
    confirmed = Subscriber.objects.filter(
        pk=subscriber.pk, status=Subscriber.Status.PENDING
    ).update(status=Subscriber.Status.CONFIRMED, confirmed_at=now, last_emailed_at=now)
    subscriber.refresh_from_db()
    if confirmed:
        tasks.send_newsletter_email.enqueue(emails.WELCOME.template, subscriber.pk)
        tasks.sync_subscriber_to_provider.enqueue(subscriber.pk)
    elif subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        raise SubscriptionEnded
    return subscriber


def subscriber_unsubscribe(*, subscriber: Subscriber) -> Subscriber:
    """Take an address off the list. Idempotent: a second unsubscribe changes nothing."""
    changed = (
        Subscriber.objects.filter(pk=subscriber.pk)
        .exclude(status=Subscriber.Status.UNSUBSCRIBED)
        .update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    )
    subscriber.refresh_from_db()
    if changed:
        tasks.sync_subscriber_to_provider.enqueue(subscriber.pk)
    return subscriber


def subscriber_sync_provider(*, subscriber_id: int) -> bool:
    """Tell the e-mail service provider this subscriber's current status; True once it knows.

    A provider failure is recorded on the row (attempts, error) and returns False; the
    subscriber itself is never changed or lost by a failed sync.
    """
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return True
    if not subscriber.needs_provider_sync:
        return True
    status = subscriber.status
    provider = get_provider()
    try:
        if status == Subscriber.Status.CONFIRMED:
            provider.subscribe(email=subscriber.email, first_name=subscriber.first_name)
        else:
            provider.unsubscribe(email=subscriber.email)
    except ProviderError as exc:
        Subscriber.objects.filter(pk=subscriber.pk).update(
            provider_attempts=F("provider_attempts") + 1, provider_error=str(exc)[:500]
        )
        return False
    # Conditional on the status we pushed: a change that raced in is left for its own sync.
    Subscriber.objects.filter(pk=subscriber.pk, status=status).update(
        provider_status=status, provider_attempts=0, provider_error=""
    )
    return True
