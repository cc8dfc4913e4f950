from website.newsletter.providers.base import NewsletterProvider


class LocalProvider(NewsletterProvider):
    """The default: the list lives only in our database, so there is nothing to tell anyone."""

    def subscribe(self, *, email: str, first_name: str) -> None:
        return None

    def unsubscribe(self, *, email: str) -> None:
        return None
