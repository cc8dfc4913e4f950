from django.conf import settings

from certificates.models import CertificationGrant
from website.absolute_urls import absolute_url
from website.emails import send_branded_email


def send_renewal_reminder(grant: CertificationGrant) -> None:
    """The renewal e-mail, to the certified person's account address."""
    renewal = grant.certification.renewal_course
    live_renewal = renewal if renewal is not None and renewal.live else None
    send_branded_email(
        template="certificates/emails/renewal_reminder",
        subject=f"[{settings.WAGTAIL_SITE_NAME}] Your {grant.certification.name} certification "
        f"expires on {grant.expires_at:%d %B %Y}",
        to=[grant.user.email],
        context={
            "grant": grant,
            "renewal_title": live_renewal.title if live_renewal else "",
            "renewal_url": absolute_url(live_renewal.url) if live_renewal else "",
            "verification_url": absolute_url(grant.get_absolute_url()),
        },
    )
