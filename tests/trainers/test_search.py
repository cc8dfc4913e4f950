"""trainer_search: radius, ordering, filters, pagination, antimeridian."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trainers.geometry import KM_PER_MILE, a_from_km, haversine_a, km_from_a
from trainers.models import Trainer
from trainers.selectors import online_trainers_elsewhere, trainer_search

from .factories import CertificationFactory, TrainerFactory

CHICAGO = (41.8858, -87.6181)
MILES_50 = 50 * KM_PER_MILE


@pytest.fixture
def chicagoland(db):
    """Trainers at known distances from ZIP 60601."""
    return {
        "loop": TrainerFactory(name="Loop", latitude=41.8858, longitude=-87.6181),
        "evanston": TrainerFactory(
            name="Evanston", latitude=42.0451, longitude=-87.6877
        ),  # ~11.6 mi
        "joliet": TrainerFactory(name="Joliet", latitude=41.5250, longitude=-88.0817),  # ~35 mi
        "milwaukee": TrainerFactory(
            name="Milwaukee", latitude=43.0389, longitude=-87.9065
        ),  # ~81 mi
        "denver": TrainerFactory(name="Denver", latitude=39.7392, longitude=-104.9903),
    }


def names(result):
    return [hit.trainer.name for hit in result.hits]


def test_search_returns_trainers_within_the_radius_nearest_first(chicagoland):
    result = trainer_search(near=CHICAGO, radius_km=MILES_50)
    assert names(result) == ["Loop", "Evanston", "Joliet"]
    assert result.count == 3


def test_search_reports_each_distance_in_kilometres(chicagoland):
    distances = [hit.distance_km for hit in trainer_search(near=CHICAGO, radius_km=MILES_50).hits]
    assert distances[0] == pytest.approx(0, abs=0.01)
    assert distances[1] / KM_PER_MILE == pytest.approx(11.3, abs=0.5)


def test_larger_radius_includes_further_trainers(chicagoland):
    assert "Milwaukee" in names(trainer_search(near=CHICAGO, radius_km=100 * KM_PER_MILE))


def test_unpublished_trainers_are_never_found(chicagoland):
    chicagoland["evanston"].is_published = False
    chicagoland["evanston"].save()
    assert "Evanston" not in names(trainer_search(near=CHICAGO, radius_km=MILES_50))


def test_certification_filter_keeps_only_certified_trainers(chicagoland):
    nine_s = CertificationFactory(name="9S", slug="9s")
    chicagoland["joliet"].certifications.add(nine_s)
    assert names(trainer_search(near=CHICAGO, radius_km=MILES_50, certification="9s")) == ["Joliet"]


def test_specialty_filter_keeps_only_trainers_with_that_specialty(db):
    TrainerFactory(name="Runner", specialties=["Running"])
    TrainerFactory(name="Golfer", specialties=["Golf"])
    assert names(trainer_search(near=CHICAGO, radius_km=MILES_50, specialty="golf")) == ["Golfer"]


def test_online_only_ignores_the_radius_and_orders_by_distance(chicagoland):
    for key in ("denver", "joliet"):
        chicagoland[key].offers_online = True
        chicagoland[key].save()
    assert names(trainer_search(near=CHICAGO, radius_km=None, online_only=True)) == [
        "Joliet",
        "Denver",
    ]


def test_equal_distances_are_ordered_by_name(db):
    TrainerFactory(name="Zed")
    TrainerFactory(name="Amy")
    assert names(trainer_search(near=CHICAGO, radius_km=10)) == ["Amy", "Zed"]


def test_without_a_place_every_trainer_is_listed_by_name(chicagoland):
    result = trainer_search(near=None, radius_km=None)
    assert names(result) == sorted(names(result))
    assert result.count == 5
    assert all(hit.distance_km is None for hit in result.hits)


def test_pagination_splits_results_and_keeps_the_order(db):
    for n in range(5):
        TrainerFactory(name=f"T{n}", latitude=41.8858 + n * 0.01)
    first = trainer_search(near=CHICAGO, radius_km=MILES_50, per_page=2)
    third = trainer_search(near=CHICAGO, radius_km=MILES_50, per_page=2, page=3)
    assert names(first) == ["T0", "T1"] and first.has_next and not first.has_previous
    assert names(third) == ["T4"] and third.num_pages == 3 and not third.has_next


def test_page_past_the_end_shows_the_last_page(db):
    TrainerFactory()
    result = trainer_search(near=CHICAGO, radius_km=MILES_50, page=99)
    assert result.number == 1 and len(result.hits) == 1


def test_search_across_the_antimeridian_finds_trainers_on_both_sides(db):
    TrainerFactory(name="Fiji West", latitude=-17.0, longitude=179.9)
    TrainerFactory(name="Fiji East", latitude=-17.0, longitude=-179.9)
    TrainerFactory(name="Far away", latitude=-17.0, longitude=175.0)
    assert names(trainer_search(near=(-17.0, 179.95), radius_km=50)) == ["Fiji West", "Fiji East"]


def test_search_near_the_pole_finds_trainers_at_any_longitude(db):
    TrainerFactory(name="Station A", latitude=89.9, longitude=0.0)
    TrainerFactory(name="Station B", latitude=89.9, longitude=179.0)
    assert set(names(trainer_search(near=(89.95, -90.0), radius_km=50))) == {
        "Station A",
        "Station B",
    }


def test_trainers_in_the_box_corner_but_outside_the_circle_are_left_out(db):
    # 0.7° north and 0.95° east of the centre: inside the 80 km box, ~104 km away.
    TrainerFactory(name="Corner", latitude=41.8858 + 0.7, longitude=-87.6181 + 0.95)
    assert trainer_search(near=CHICAGO, radius_km=80).count == 0


def test_equal_distances_across_a_page_break_are_ordered_by_name(db):
    for name in ("Cleo", "Abe", "Bea"):
        TrainerFactory(name=name)
    first = trainer_search(near=CHICAGO, radius_km=10, per_page=2)
    second = trainer_search(near=CHICAGO, radius_km=10, per_page=2, page=2)
    assert names(first) + names(second) == ["Abe", "Bea", "Cleo"]


def test_no_matches_is_an_empty_first_page(db):
    result = trainer_search(near=(0.0, 0.0), radius_km=10)
    assert (result.hits, result.count, result.number, result.num_pages) == ([], 0, 1, 1)


def test_online_coaches_elsewhere_are_the_nearest_ones_outside_the_radius(db):
    for name, lat in [
        ("Inside", 41.95),
        ("Near", 43.0),
        ("Middle", 45.0),
        ("Far", 60.0),
        ("Offline", 42.9),
    ]:
        TrainerFactory(name=name, latitude=lat, longitude=-87.6181, offers_online=name != "Offline")
    found = online_trainers_elsewhere(near=CHICAGO, radius_km=MILES_50, limit=2)
    assert [hit.trainer.name for hit in found] == ["Near", "Middle"]


def test_online_coaches_elsewhere_are_found_however_far_away(db):
    TrainerFactory(name="Sydney", latitude=-33.87, longitude=151.21, offers_online=True)
    found = online_trainers_elsewhere(near=CHICAGO, radius_km=MILES_50)
    assert [hit.trainer.name for hit in found] == ["Sydney"]


@pytest.fixture
def scattered(db):
    """120 trainers around Chicago, a third of them sharing a ZIP centroid with others, with
    names whose order differs between code points and a locale ("adam" after "Zed", "Émile"
    after both)."""
    rng = random.Random(16)  # noqa: S311 - repeatable positions, not a secret
    centroids = [(41.8858, -87.6181), (41.95, -87.7), (42.2, -88.1)]
    first_names = ["Zed", "adam", "Émile", "Bea", "bea", "Ólafur", "Amy"]
    for n in range(120):
        lat, lng = (
            rng.choice(centroids)
            if n % 3 == 0
            else (41.8858 + rng.uniform(-1.2, 1.2), -87.6181 + rng.uniform(-1.5, 1.5))
        )
        TrainerFactory(name=f"{first_names[n % 7]} {n % 5}", latitude=lat, longitude=lng)
    return list(Trainer.objects.values_list("pk", "name", "latitude", "longitude"))


def test_the_database_ranks_trainers_exactly_as_the_python_great_circle_does(scattered):
    # The same order and the same distance to the last digit on SQLite and PostgreSQL: both
    # are compared with geometry.haversine_a (ties by name in code-point order, then id).
    limit = a_from_km(MILES_50)
    expected = sorted(
        (haversine_a(*CHICAGO, lat, lng), name, pk)
        for pk, name, lat, lng in scattered
        if haversine_a(*CHICAGO, lat, lng) <= limit
    )
    assert len({a for a, _, _ in expected}) < len(expected)  # the fixture has ties
    found, page = [], 1
    while True:
        result = trainer_search(near=CHICAGO, radius_km=MILES_50, per_page=7, page=page)
        found += [(hit.distance_km, hit.trainer.name, hit.trainer.pk) for hit in result.hits]
        if not result.has_next:
            break
        page += 1
    assert result.count == len(expected)
    assert found == [(km_from_a(a), name, pk) for a, name, pk in expected]


def test_the_search_reads_only_one_page_of_rows_from_the_database(scattered):
    with CaptureQueriesContext(connection) as captured:
        result = trainer_search(near=CHICAGO, radius_km=MILES_50, per_page=5)
    ranking = captured.captured_queries[0]["sql"]
    assert "ORDER BY" in ranking and "LIMIT 5" in ranking
    assert len(result.hits) == 5
    assert result.count > 5
