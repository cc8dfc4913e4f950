from abc import ABC, abstractmethod


class ProviderError(Exception):
    """The provider could not be reached or refused the change; the sync is retried later."""


class NewsletterProvider(ABC):
    """Keeps an e-mail service's list in step with our confirmed subscribers.

    Both calls are idempotent: subscribing a present address or unsubscribing an absent
    one succeeds. A failure raises ProviderError and never loses the local subscriber.
    """

    @abstractmethod
    def subscribe(self, *, email: str, first_name: str) -> None: ...

    @abstractmethod
    def unsubscribe(self, *, email: str) -> None: ...
