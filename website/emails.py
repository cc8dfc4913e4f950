"""The one way the site writes an e-mail: a text part and an HTML part from a template pair
(`<name>.txt`, `<name>.html`) that extend the one branded layout, `emails/base.txt` and
`emails/base.html`, whose `<title>` is the subject. allauth's e-mails get the same layout
through the account adapter (`website/accounts/adapter.py`)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from website.absolute_urls import absolute_url


def brand_context() -> dict:
    """What the layout needs: the site's name and its address on SITE_URL (no trailing /)."""
    return {"site_name": settings.WAGTAIL_SITE_NAME, "site_url": absolute_url("/").rstrip("/")}


def branded_email(
    *,
    template: str,
    subject: str,
    to: list[str],
    context: dict,
    reply_to: list[str] | None = None,
    headers: dict | None = None,
) -> EmailMultiAlternatives:
    """The e-mail `template` (a path without extension) renders for `context`, text + HTML."""
    context = {**brand_context(), "subject": subject, **context}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to,
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def send_branded_email(**kwargs) -> None:
    """Build the e-mail as `branded_email` does and send it now."""
    branded_email(**kwargs).send()
