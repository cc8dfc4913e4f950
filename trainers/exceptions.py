"""Domain errors of the trainer directory; views turn them into messages a visitor can act on."""


class TrainerError(Exception):
    """Base class: the message is safe to show to a visitor or an editor."""


class PlaceNotFound(TrainerError):
    """A place name or postcode the geocoder does not know."""

    def __init__(self, query: str, suggestions: tuple[str, ...] = ()):
        self.query = query
        self.suggestions = suggestions
        super().__init__(f"We couldn't find that place: {query!r}.")


class InvalidCoordinates(TrainerError):
    """A "lat,lng" pair that is not a point on Earth."""


class GeocoderUnavailable(TrainerError):
    """The online geocoder did not answer; the visitor may try again later."""

    def __init__(self):
        super().__init__("Place search is unavailable right now. Please try again in a minute.")


class ContactRateLimited(TrainerError):
    """Too many messages from one visitor in a short time."""

    def __init__(self):
        super().__init__("You have sent several messages in a short time. Please try again later.")


class ImportRejected(TrainerError):
    """A CSV file with problems; `errors` lists (line number, reason). Nothing was imported."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) found; nothing was imported.")


class ChangeSuperseded(TrainerError):
    """A proposed profile change the trainer has replaced with a later revision."""

    def __init__(self):
        super().__init__("This change was replaced — review the latest.")


class AlreadyReviewed(TrainerError):
    """A proposed profile change that an editor has already approved or rejected."""

    def __init__(self):
        super().__init__("These changes have already been reviewed.")
