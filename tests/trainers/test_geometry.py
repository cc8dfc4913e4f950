import pytest

from trainers.geometry import (
    KM_PER_MILE,
    a_from_km,
    bounding_box,
    format_distance,
    haversine_a,
    haversine_km,
    km_from_a,
)

# Great-circle distances between city centres (reference values from the Vincenty/haversine
# tables of the cities' coordinates); our spherical model must be within 0.5 %.
CITY_PAIRS = [
    ((40.7128, -74.0060), (51.5074, -0.1278), 5570),  # New York to London
    ((34.0522, -118.2437), (40.7128, -74.0060), 3936),  # Los Angeles to New York
    ((41.8781, -87.6298), (42.3601, -71.0589), 1367),  # Chicago to Boston
    ((-33.8688, 151.2093), (-36.8485, 174.7633), 2156),  # Sydney to Auckland
    ((48.8566, 2.3522), (51.5074, -0.1278), 344),  # Paris to London
]


@pytest.mark.parametrize(("a", "b", "km"), CITY_PAIRS)
def test_haversine_matches_known_city_distances_within_half_a_percent(a, b, km):
    assert haversine_km(*a, *b) == pytest.approx(km, rel=0.005)


def test_haversine_is_symmetric_and_zero_for_the_same_point():
    assert haversine_km(41.9, -87.6, 41.9, -87.6) == 0
    assert haversine_km(10, 20, 30, 40) == pytest.approx(haversine_km(30, 40, 10, 20))


def test_haversine_across_the_antimeridian_takes_the_short_way():
    # Two points 0.2° of longitude apart on the equator, either side of 180°.
    assert haversine_km(0, 179.9, 0, -179.9) == pytest.approx(22.24, rel=0.01)


def test_bounding_box_holds_every_point_on_the_circle():
    box = bounding_box(41.88, -87.62, 80.0)
    ((west, east),) = box.lng_ranges
    for bearing_point in [
        (41.88 + 0.7194, -87.62),
        (41.88, -87.62 + 0.9661),
        (41.88, -87.62 - 0.9661),
    ]:
        lat, lng = bearing_point
        assert haversine_km(41.88, -87.62, lat, lng) <= 80.1
        assert box.min_lat <= lat <= box.max_lat
        assert west <= lng <= east


def test_bounding_box_near_the_antimeridian_splits_into_two_longitude_ranges():
    box = bounding_box(-18.12, 179.8, 100.0)  # Fiji
    assert len(box.lng_ranges) == 2
    (west_start, west_end), (east_start, east_end) = box.lng_ranges
    assert west_end == 180.0 and east_start == -180.0
    assert 178.8 < west_start < 179.8
    assert -180 < east_end < -179.0


def test_bounding_box_west_of_the_antimeridian_also_wraps():
    box = bounding_box(0.0, -179.9, 50.0)
    assert box.lng_ranges[0][1] == 180.0 and box.lng_ranges[1][0] == -180.0


def test_bounding_box_reaching_the_north_pole_covers_every_longitude():
    box = bounding_box(89.5, 10.0, 100.0)
    assert box.max_lat == 90.0
    assert box.lng_ranges == ((-180.0, 180.0),)


def test_bounding_box_reaching_the_south_pole_covers_every_longitude():
    box = bounding_box(-89.8, -45.0, 50.0)
    assert box.min_lat == -90.0
    assert box.lng_ranges == ((-180.0, 180.0),)


def test_radius_in_miles_converts_to_kilometres():
    assert pytest.approx(80.4672) == 50 * KM_PER_MILE


@pytest.mark.parametrize(
    ("km", "unit", "shown"),
    [
        (5.15, "mi", "3.2 mi"),
        (5.15, "km", "5.2 km"),
        (80.4672, "mi", "50 mi"),
        (0.0, "km", "0.0 km"),
    ],
)
def test_distance_is_formatted_in_the_chosen_unit(km, unit, shown):
    assert format_distance(km, unit) == shown


@pytest.mark.parametrize("km", [0.0, 1.0, 80.4672, 5000.0, 20000.0])
def test_haversine_value_and_kilometres_convert_both_ways(km):
    assert km_from_a(a_from_km(km)) == pytest.approx(km, abs=1e-6)


def test_haversine_value_grows_with_distance():
    near, far = haversine_a(0, 0, 0, 1), haversine_a(0, 0, 0, 2)
    assert 0 < near < far <= 1
