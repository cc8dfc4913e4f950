import logging
from datetime import timedelta

from django.core.mail import BadHeaderError
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from .emails import send_inquiry
from .models import Inquiry

logger = logging.getLogger("coachhouse.trainers")

# Backing off 1, 2, 4, 8 minutes, the fifth and last attempt comes about 15 minutes after the first.
MAX_DELIVERY_ATTEMPTS = 5


@task()
def send_inquiry_email(*, inquiry_id: int) -> bool:
    """Email a stored inquiry to its trainer, retrying a failed send; True once it went out.

    Each attempt is counted on the inquiry. A failure is tried again later (where the task
    backend can defer; at once on the immediate backend) up to MAX_DELIVERY_ATTEMPTS, after
    which the inquiry is marked undelivered for the admin. A header the mail library refuses
    can never succeed, so it fails at once. An inquiry already delivered is not sent again.
    """
    backend = send_inquiry_email.get_backend()
    while True:
        inquiry = (
            Inquiry.objects.select_related("trainer")
            .filter(pk=inquiry_id, delivered_at__isnull=True, delivery_failed_at__isnull=True)
            .first()
        )
        if inquiry is None:
            return False
        Inquiry.objects.filter(pk=inquiry_id).update(delivery_attempts=F("delivery_attempts") + 1)
        attempt = inquiry.delivery_attempts + 1
        try:
            send_inquiry(inquiry)
        except Exception as exc:  # SMTP errors, a provider's API errors, timeouts: all retried
            permanent = isinstance(exc, BadHeaderError) or attempt >= MAX_DELIVERY_ATTEMPTS
            logger.warning("Inquiry %s: attempt %s failed: %s", inquiry_id, attempt, exc)
            if permanent:
                Inquiry.objects.filter(pk=inquiry_id).update(delivery_failed_at=timezone.now())
                return False
            if backend.supports_defer:
                later = timezone.now() + timedelta(minutes=2 ** (attempt - 1))
                send_inquiry_email.using(run_after=later).enqueue(inquiry_id=inquiry_id)
                return False
            continue  # the immediate backend cannot wait: try again now
        Inquiry.objects.filter(pk=inquiry_id).update(delivered_at=timezone.now())
        return True
