"""allauth glue: its e-mails carry our name, our layout (text + HTML) and links on SITE_URL;
its rate limits count against the site's one client-address function."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.template.loader import render_to_string

from website.absolute_urls import absolute_url
from website.emails import brand_context
from website.ratelimits import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up, verification and password e-mails, branded like every other e-mail we send."""

    def get_client_ip(self, request) -> str:
        """The address allauth's limits count against: the site's own `client_ip`."""
        return client_ip(request) or super().get_client_ip(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        brand = brand_context()
        site_url = brand["site_url"]
        request_base = self.request.build_absolute_uri("/").rstrip("/") if self.request else None
        context = {
            **{
                # allauth builds its links (confirm, reset, sign up) on the request's host.
                key: _on_site_url(value, request_base)
                for key, value in context.items()
            },
            "current_site": SimpleNamespace(
                name=brand["site_name"], domain=urlsplit(site_url).netloc
            ),
            **brand,
        }
        super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if not getattr(message, "alternatives", None) and hasattr(message, "attach_alternative"):
            # allauth writes text only: its text, links made clickable, in the one layout.
            html = render_to_string(
                "account/email/message.html",
                {**context, "body": message.body, "subject": message.subject},
            )
            message.attach_alternative(html, "text/html")
        return message


def _on_site_url(value, request_base: str | None):
    if isinstance(value, str) and request_base and value.startswith(request_base + "/"):
        return absolute_url(value[len(request_base) :])
    return value
