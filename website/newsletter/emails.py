"""The newsletter's e-mails: each a text + HTML template pair under templates/newsletter/emails/.

Every one carries the subscriber's unsubscribe link in the body and the RFC 2369 / RFC 8058
headers, so mail clients can offer their own one-click unsubscribe button.
"""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from website.newsletter import tokens
from website.newsletter.models import Subscriber


def _absolute_url(base_url: str, name: str, token: str) -> str:
    return base_url.rstrip("/") + reverse(name, args=[token])


def _send(
    *, subscriber: Subscriber, template: str, subject: str, base_url: str, context: dict
) -> None:
    unsubscribe_token = tokens.UNSUBSCRIBE.token_for(subscriber)
    context = {
        "subscriber": subscriber,
        "unsubscribe_url": _absolute_url(base_url, "newsletter:unsubscribe", unsubscribe_token),
        **context,
    }
    one_click_url = _absolute_url(base_url, "newsletter:unsubscribe_one_click", unsubscribe_token)
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"newsletter/emails/{template}.txt", context),
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{one_click_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string(f"newsletter/emails/{template}.html", context), "text/html"
    )
    message.send()


def send_confirmation(*, subscriber: Subscriber, base_url: str) -> None:
    """The double opt-in e-mail: one signed link that expires after tokens.CONFIRM.max_age."""
    _send(
        subscriber=subscriber,
        template="confirm",
        subject="Please confirm your Coachhouse newsletter subscription",
        base_url=base_url,
        context={
            "confirm_url": _absolute_url(
                base_url, "newsletter:confirm", tokens.CONFIRM.token_for(subscriber)
            ),
            "valid_days": tokens.CONFIRM.max_age.days,
        },
    )


def send_welcome(*, subscriber: Subscriber, base_url: str) -> None:
    """The lead magnet: a signed link to the reading list, good for tokens.READING_LIST.max_age."""
    _send(
        subscriber=subscriber,
        template="welcome",
        subject="Welcome to the Coachhouse newsletter: your reading list",
        base_url=base_url,
        context={
            "reading_list_url": _absolute_url(
                base_url, "newsletter:reading_list", tokens.READING_LIST.token_for(subscriber)
            ),
            "valid_days": tokens.READING_LIST.max_age.days,
        },
    )
