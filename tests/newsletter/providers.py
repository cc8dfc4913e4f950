"""Test doubles for the provider boundary, named in settings.NEWSLETTER_PROVIDER by the tests."""

from website.newsletter.providers import NewsletterProvider, ProviderError

calls: list[tuple[str, str]] = []


class RecordingProvider(NewsletterProvider):
    def subscribe(self, *, email: str, first_name: str) -> None:
        calls.append(("subscribe", email))

    def unsubscribe(self, *, email: str) -> None:
        calls.append(("unsubscribe", email))


class FailingProvider(NewsletterProvider):
    def subscribe(self, *, email: str, first_name: str) -> None:
        raise ProviderError("503 from the provider")

    def unsubscribe(self, *, email: str) -> None:
        raise ProviderError("503 from the provider")
