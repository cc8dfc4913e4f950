"""Background work of the newsletter, run through Django's tasks framework (settings.TASKS)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from website.newsletter import emails, services
from website.newsletter.models import Subscriber

# Backing off 2, 4, 8 … minutes, the last of eight attempts comes about four hours after the first.
MAX_PROVIDER_ATTEMPTS = 8


@task()
def send_newsletter_email(template: str, subscriber_id: int) -> None:
    """Send one of emails.BY_TEMPLATE, unless the subscriber has moved on since it was queued."""
    email = emails.BY_TEMPLATE[template]
    subscriber = Subscriber.objects.filter(pk=subscriber_id, status=email.for_status).first()
    if subscriber is not None:
        emails.send(email=email, subscriber=subscriber)


@task()
def sync_subscriber_to_provider(subscriber_id: int) -> bool:
    """Push one subscriber's status to the provider; on failure, try again later.

    Backends that cannot defer (the immediate one) leave the retry to the
    `newsletter_sync` management command, which picks up every row still out of step.
    """
    if services.subscriber_sync_provider(subscriber_id=subscriber_id):
        return True
    attempts = (
        Subscriber.objects.filter(pk=subscriber_id)
        .values_list("provider_attempts", flat=True)
        .first()
    )
    backend = sync_subscriber_to_provider.get_backend()
    if attempts is not None and attempts < MAX_PROVIDER_ATTEMPTS and backend.supports_defer:
        later = timezone.now() + timedelta(minutes=2**attempts)
        sync_subscriber_to_provider.using(run_after=later).enqueue(subscriber_id)
    return False
