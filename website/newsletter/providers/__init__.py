"""E-mail service providers that receive the confirmed list (Mailchimp, Buttondown, …).

`settings.NEWSLETTER_PROVIDER` names the class; only this subpackage talks to a provider.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from website.newsletter.providers.base import NewsletterProvider, ProviderError

__all__ = ["NewsletterProvider", "ProviderError", "get_provider"]


def get_provider() -> NewsletterProvider:
    """The configured provider, instantiated per call so settings changes apply at once."""
    return import_string(settings.NEWSLETTER_PROVIDER)()
