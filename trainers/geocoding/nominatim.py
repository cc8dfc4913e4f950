"""Optional online geocoder for production: OpenStreetMap's Nominatim through geopy, cached.

Selected with TRAINERS_GEOCODER = "trainers.geocoding.nominatim.NominatimGeocoder". "lat,lng"
queries never leave the server. Answers (found or not) are cached for a month, which also
keeps us inside Nominatim's one-request-a-second usage policy for repeated searches.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from trainers.exceptions import GeocoderUnavailable, PlaceNotFound

from .base import GeocodeResult, Place, parse_coordinates

CACHE_SECONDS = 60 * 60 * 24 * 30
_TIMEOUT_SECONDS = 3


class NominatimGeocoder:
    """Geocodes through a geopy geocoder (Nominatim unless one is given, as tests do)."""

    def __init__(self, client=None):
        self.client = client or Nominatim(user_agent=f"{settings.WAGTAIL_SITE_NAME} trainer search")

    def geocode(self, query: str) -> GeocodeResult:
        query = query.strip()
        point = parse_coordinates(query)
        if point is not None:
            return GeocodeResult(place=point)
        if not query:
            raise PlaceNotFound(query)
        key = "trainers:geocode:" + hashlib.sha256(query.casefold().encode()).hexdigest()
        cached = cache.get(key)
        if cached is None:
            cached = self._lookup(query)
            cache.set(key, cached, CACHE_SECONDS)
        if not cached:
            raise PlaceNotFound(query)
        best, *others = (
            Place(label=label, latitude=lat, longitude=lng) for label, lat, lng in cached
        )
        return GeocodeResult(place=best, alternatives=tuple(others))

    def _lookup(self, query: str) -> list[tuple[str, float, float]]:
        try:
            locations = self.client.geocode(
                query, exactly_one=False, limit=6, timeout=_TIMEOUT_SECONDS
            )
        except GeopyError as exc:
            raise GeocoderUnavailable from exc
        return [(loc.address, loc.latitude, loc.longitude) for loc in locations or []]
