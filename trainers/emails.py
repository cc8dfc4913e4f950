from django.conf import settings

from website.emails import send_branded_email


def send_inquiry(inquiry) -> None:
    """The contact-form message, to the trainer, replying to the visitor."""
    send_branded_email(
        template="trainers/emails/inquiry",
        subject=f"[{settings.WAGTAIL_SITE_NAME}] Message from {inquiry.name}",
        to=[inquiry.trainer.email],
        reply_to=[inquiry.email],
        context={"inquiry": inquiry, "trainer": inquiry.trainer},
    )
