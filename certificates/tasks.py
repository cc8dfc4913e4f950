"""Background work for certifications (run at once in the demo and tests, by a worker in
production)."""

import logging

from django.db import transaction
from django_tasks import task

from certificates import services
from certificates.emails import send_renewal_reminder
from certificates.models import CertificationGrant

logger = logging.getLogger("coachhouse.certificates")


@task()
def send_renewal_reminder_email(*, grant_id: int) -> bool:
    """E-mail the renewal reminder the sweep claimed for this grant; a failed send gives the
    claim back, so the next sweep tries again (and a sent one is never repeated)."""
    grant = (
        CertificationGrant.objects.select_related("user", "certification__renewal_course")
        .filter(pk=grant_id, revoked_at__isnull=True)
        .first()
    )
    if grant is None:
        return False
    try:
        send_renewal_reminder(grant)
    except Exception as exc:  # SMTP or provider errors: retried by the next sweep
        logger.warning("Renewal reminder for grant %s failed: %s", grant_id, exc)
        services.certification_reminder_release(grant_id=grant_id)
        return False
    return True


@task()
def sweep_certifications() -> dict:
    """The daily sweep (also `manage.py certifications_sweep`): mark what expired and send
    the renewal e-mails due. Safe to run again at any time."""
    return certifications_sweep()


def certifications_sweep(*, now=None) -> dict:
    """Mark expired grants and queue each due renewal reminder once; returns the counts."""
    expired = services.certification_grants_expire_due(now=now)
    with transaction.atomic():
        claimed = services.certification_reminders_claim_due(now=now)
        for grant_id in claimed:
            transaction.on_commit(
                lambda grant_id=grant_id: send_renewal_reminder_email.enqueue(grant_id=grant_id)
            )
    return {"expired": expired, "reminded": len(claimed)}
