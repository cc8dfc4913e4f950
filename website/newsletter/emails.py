"""The newsletter's e-mails: each a text + HTML template pair under templates/newsletter/emails/.

Every one carries the subscriber's unsubscribe link in the body and the RFC 2369 / RFC 8058
headers, so mail clients can offer their own one-click unsubscribe button.
"""

from dataclasses import dataclass

from django.urls import reverse

from website.absolute_urls import absolute_url
from website.emails import send_branded_email
from website.newsletter import tokens
from website.newsletter.models import Subscriber


@dataclass(frozen=True)
class NewsletterEmail:
    """One kind of e-mail: its templates, its subject and the signed link it exists to deliver.

    It goes out only while the subscriber still has `for_status`, so a queued e-mail that
    the subscriber has overtaken (confirmed, unsubscribed) is dropped.
    """

    template: str
    subject: str
    link: tokens.SignedLink
    link_view: str
    for_status: str


CONFIRMATION = NewsletterEmail(
    template="confirm",
    subject="Please confirm your Coachhouse newsletter subscription",
    link=tokens.CONFIRM,
    link_view="newsletter:confirm",
    for_status=Subscriber.Status.PENDING,
)
WELCOME = NewsletterEmail(
    template="welcome",
    subject="Welcome to the Coachhouse newsletter: your reading list",
    link=tokens.READING_LIST,
    link_view="newsletter:reading_list",
    for_status=Subscriber.Status.CONFIRMED,
)
BY_TEMPLATE = {email.template: email for email in (CONFIRMATION, WELCOME)}


def _link(name: str, token: str) -> str:
    return absolute_url(reverse(name, args=[token]))


def send(*, email: NewsletterEmail, subscriber: Subscriber) -> None:
    """Send one newsletter e-mail to the subscriber, its links on settings.SITE_URL."""
    unsubscribe_token = tokens.UNSUBSCRIBE.token_for(subscriber)
    context = {
        "subscriber": subscriber,
        "link_url": _link(email.link_view, email.link.token_for(subscriber)),
        "valid_days": email.link.max_age.days,
        "unsubscribe_url": _link("newsletter:unsubscribe", unsubscribe_token),
    }
    one_click_url = _link("newsletter:unsubscribe_one_click", unsubscribe_token)
    send_branded_email(
        template=f"newsletter/emails/{email.template}",
        subject=email.subject,
        to=[subscriber.email],
        context=context,
        headers={
            "List-Unsubscribe": f"<{one_click_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
