from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_inquiry(inquiry) -> None:
    """The contact-form message, to the trainer, replying to the visitor."""
    context = {
        "inquiry": inquiry,
        "trainer": inquiry.trainer,
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    mail = EmailMultiAlternatives(
        subject=f"[{settings.WAGTAIL_SITE_NAME}] Message from {inquiry.name}",
        body=render_to_string("trainers/emails/inquiry.txt", context),
        to=[inquiry.trainer.email],
        reply_to=[inquiry.email],
    )
    mail.attach_alternative(render_to_string("trainers/emails/inquiry.html", context), "text/html")
    mail.send()
