"""State changes in the trainer directory."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .exceptions import ContactRateLimited
from .models import Inquiry, Trainer
from .tasks import send_inquiry_email

_HOUR = 60 * 60


def _contact_allowed(client_key: str) -> bool:
    """Count one attempt for this client; False once it is over the hourly allowance.

    The counter lives in Django's cache (Redis in production, shared by every app
    server); `add` then `incr` is atomic there, so concurrent posts cannot slip past it.
    """
    key = "trainers:contact:" + hashlib.sha256(client_key.encode()).hexdigest()
    cache.add(key, 0, _HOUR)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, _HOUR)
        attempts = 1
    return attempts <= settings.TRAINERS_CONTACT_RATE_PER_HOUR


def inquiry_send(
    *, trainer: Trainer, name: str, email: str, message: str, client_key: str
) -> Inquiry:
    """Store a visitor's message to a published trainer and email it to them.

    At most TRAINERS_CONTACT_RATE_PER_HOUR messages per client (IP address) per hour:
    past that ContactRateLimited is raised and nothing is stored or sent. The email
    goes out through the task queue; the visitor's address is its Reply-To, and the
    trainer's address never reaches the visitor.
    """
    if not _contact_allowed(client_key):
        raise ContactRateLimited
    with transaction.atomic():
        inquiry = Inquiry.objects.create(trainer=trainer, name=name, email=email, message=message)
        send_inquiry_email.enqueue(inquiry_id=inquiry.pk)
    return inquiry
