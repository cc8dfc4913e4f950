"""Domain errors of the newsletter; views turn each into a page that says what happened."""


class NewsletterError(Exception):
    """Base class: `message` is safe to show to the visitor."""

    message = "Something went wrong with your newsletter subscription."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message


class LinkExpired(NewsletterError):
    message = "This link has expired."


class LinkInvalid(NewsletterError):
    message = "This link is not valid. It may have been copied incompletely."


class SubscriptionEnded(NewsletterError):
    message = "You unsubscribed after this link was sent, so it no longer works."


class NotSubscribed(NewsletterError):
    message = "The reading list is for confirmed subscribers. Sign up again to receive it."
