"""Great-circle maths for the trainer search: plain functions on degrees and kilometres."""

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088  # the IUGG mean radius
KM_PER_MILE = 1.609344


def haversine_a(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The haversine of the central angle between two points, in [0, 1].

    It grows with the distance, so it can rank and filter points before (or instead of)
    the arcsine that turns it into kilometres.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    return (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    )


def km_from_a(a: float) -> float:
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def a_from_km(km: float) -> float:
    """The haversine value of a distance: the inverse of km_from_a (1 past half the globe)."""
    angle = km / EARTH_RADIUS_KM
    return 1.0 if angle >= math.pi else math.sin(angle / 2) ** 2


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in km between two points given in degrees (never negative)."""
    return km_from_a(haversine_a(lat1, lng1, lat2, lng2))


@dataclass(frozen=True)
class BoundingBox:
    """Every point within a radius lies inside: a latitude band and one or two longitude ranges.

    Two ranges when the box crosses the antimeridian; the full circle when it reaches a pole.
    """

    min_lat: float
    max_lat: float
    lng_ranges: tuple[tuple[float, float], ...]


def bounding_box(lat: float, lng: float, radius_km: float) -> BoundingBox:
    """The smallest lat/lng box that holds the circle of radius_km around (lat, lng)."""
    angular = radius_km / EARTH_RADIUS_KM
    min_lat = lat - math.degrees(angular)
    max_lat = lat + math.degrees(angular)
    if min_lat <= -90 or max_lat >= 90 or angular >= math.pi / 2:
        # The circle holds a pole, so every meridian passes through it.
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), ((-180.0, 180.0),))
    # Widest longitude reach of the circle (at the latitude where it touches the meridians).
    dlng = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(lat)))))
    west, east = lng - dlng, lng + dlng
    if west < -180:
        ranges = ((west + 360, 180.0), (-180.0, east))
    elif east > 180:
        ranges = ((west, 180.0), (-180.0, east - 360))
    else:
        ranges = ((west, east),)
    return BoundingBox(min_lat, max_lat, ranges)


def format_distance(km: float, unit: str) -> str:
    """ "3.2 mi" / "12 km": one decimal under 10, whole numbers above."""
    value = km / KM_PER_MILE if unit == "mi" else km
    return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
