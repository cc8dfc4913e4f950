"""What every geocoder returns, and the interface they share."""

import math
import re
from dataclasses import dataclass
from typing import Protocol

from trainers.exceptions import InvalidCoordinates

_COORDINATES = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*[,;\s]\s*([-+]?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Place:
    """A named point: latitude in [-90, 90], longitude in [-180, 180]."""

    label: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class GeocodeResult:
    """The best match for a query, plus the other places the query could have meant."""

    place: Place
    alternatives: tuple[Place, ...] = ()


class Geocoder(Protocol):
    """Turns what a visitor typed (postcode, city, "lat,lng") into a place.

    Raises PlaceNotFound (with suggestions where it has some) or InvalidCoordinates;
    an online geocoder may also raise GeocoderUnavailable.
    """

    def geocode(self, query: str) -> GeocodeResult: ...


def checked_point(latitude: float, longitude: float) -> tuple[float, float]:
    """The point itself when it is on Earth; InvalidCoordinates otherwise."""
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        raise InvalidCoordinates("Latitude and longitude must be numbers.")
    if not -90 <= latitude <= 90:
        raise InvalidCoordinates("Latitude must be between -90 and 90.")
    if not -180 <= longitude <= 180:
        raise InvalidCoordinates("Longitude must be between -180 and 180.")
    return latitude, longitude


def parse_coordinates(query: str) -> Place | None:
    """A Place for a "lat,lng" query, None when the query is not shaped like one.

    A pair of numbers outside the valid ranges raises InvalidCoordinates rather than
    falling through to a place-name search that could only fail less clearly.
    """
    match = _COORDINATES.match(query)
    if match is None:
        return None
    latitude, longitude = checked_point(float(match[1]), float(match[2]))
    return Place(label=f"{latitude:.4f}, {longitude:.4f}", latitude=latitude, longitude=longitude)
