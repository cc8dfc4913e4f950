"""The Find a Trainer page and its JSON twin: search, bad input, "did you mean"."""

import pytest

from trainers.demo import directory_page
from trainers.exceptions import GeocoderUnavailable
from trainers.models import TrainerDirectoryPage

from .factories import CertificationFactory, TrainerFactory

pytestmark = pytest.mark.django_db
JSON_URL = "/trainers/api/search"


@pytest.fixture
def trainers(directory):
    phase = CertificationFactory(name="I-Phase", slug="i-phase")
    return {
        "loop": TrainerFactory(name="Loop Coach", slug="loop-coach", certifications=[phase]),
        "evanston": TrainerFactory(name="Evanston Coach", latitude=42.0451, longitude=-87.6877),
        "milwaukee": TrainerFactory(name="Milwaukee Coach", latitude=43.0389, longitude=-87.9065),
        "remote": TrainerFactory(
            name="Remote Coach", latitude=39.74, longitude=-104.99, offers_online=True
        ),
    }


def test_directory_page_lives_at_find_a_trainer_under_home(directory):
    assert directory.url == "/find-a-trainer/"
    assert TrainerDirectoryPage.parent_page_types == ["content.HomePage"]


def test_editors_may_add_the_directory_under_home_once(home_page):
    assert TrainerDirectoryPage.can_create_at(home_page)
    directory_page()
    assert not TrainerDirectoryPage.can_create_at(home_page)


def test_zip_search_lists_nearby_trainers_with_distances(client, trainers):
    response = client.get("/find-a-trainer/", {"q": "60601", "radius": "50"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 trainers within 50 mi of 60601 (Chicago, IL)" in html
    assert html.index("Loop Coach") < html.index("Evanston Coach")
    assert "Milwaukee Coach" not in html
    assert "12 mi" in html


def test_local_search_lists_online_coaches_from_further_away_separately(client, trainers):
    html = client.get("/find-a-trainer/", {"q": "60601"}).content.decode()
    assert "Coaching online from further away" in html
    assert html.index("Coaching online from further away") < html.index("Remote Coach")


def test_kilometres_can_be_chosen(client, trainers):
    html = client.get(
        "/find-a-trainer/", {"q": "60601", "radius": "10", "unit": "km"}
    ).content.decode()
    assert "1 trainer within 10 km of" in html


@pytest.mark.parametrize("radius", ["7", "-5", "99999", "far", "", "²", "9" * 5000, "050"])
def test_radius_not_in_the_list_falls_back_to_fifty(client, trainers, radius):
    html = client.get("/find-a-trainer/", {"q": "60601", "radius": radius}).content.decode()
    assert "within 50 mi of" in html


def test_certification_filter_narrows_the_list(client, trainers):
    html = client.get(
        "/find-a-trainer/", {"q": "60601", "certification": "i-phase"}
    ).content.decode()
    assert "Loop Coach" in html and "Evanston Coach" not in html


def test_unknown_place_says_so_with_suggestions_and_no_error(client, trainers):
    response = client.get("/find-a-trainer/", {"q": "Chicgo"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "We couldn&#x27;t find that place" in html or "We couldn't find that place" in html
    assert "Chicago, IL" in html


def test_ambiguous_place_offers_did_you_mean_links(client, trainers):
    html = client.get("/find-a-trainer/", {"q": "Springfield"}).content.decode()
    assert "of Springfield, MO" in html
    assert "Did you mean" in html and "q=Springfield%2C+IL" in html


@pytest.mark.parametrize(("lat", "lng"), [("95", "10"), ("10", "-200"), ("north", "10")])
def test_bad_coordinates_are_a_form_error(client, trainers, lat, lng):
    response = client.get("/find-a-trainer/", {"lat": lat, "lng": lng})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def test_browser_location_is_searched_around(client, trainers):
    html = client.get(
        "/find-a-trainer/", {"lat": "42.04", "lng": "-87.69", "radius": "10"}
    ).content.decode()
    assert "1 trainer within 10 mi of your location" in html


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999", "²", "9" * 5000])
def test_bad_page_numbers_show_a_page_instead_of_failing(client, trainers, page):
    response = client.get("/find-a-trainer/", {"q": "60601", "page": page})
    assert response.status_code == 200
    assert "Loop Coach" in response.content.decode()


def test_empty_search_lists_every_trainer(client, trainers):
    html = client.get("/find-a-trainer/").content.decode()
    assert "All trainers" in html and "Milwaukee Coach" in html


def test_private_email_is_never_in_the_page(client, trainers):
    html = client.get("/find-a-trainer/", {"q": "60601"}).content.decode()
    assert "@private.example" not in html


def test_json_search_returns_ordered_results_with_profile_urls(client, trainers):
    data = client.get(JSON_URL, {"q": "60601", "radius": "50"}).json()
    assert data["count"] == 2
    assert [r["name"] for r in data["results"]] == ["Loop Coach", "Evanston Coach"]
    assert data["results"][0]["url"] == "/find-a-trainer/loop-coach/"
    assert data["place"]["label"] == "60601 (Chicago, IL)"
    assert "email" not in data["results"][0]


def test_json_unknown_place_is_400_with_suggestions(client, trainers):
    response = client.get(JSON_URL, {"q": "Chicgo"})
    assert response.status_code == 400
    assert "Chicago, IL" in response.json()["suggestions"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lat": "91", "lng": "0"},
        {"lat": "x", "lng": "y"},
        {"q": "60601", "page": "abc"},
        {"q": "60601", "page": "0"},
        {"q": "60601", "page": "9" * 5000},
    ],
)
def test_json_bad_parameters_are_400_with_a_reason(client, trainers, params):
    response = client.get(JSON_URL, params)
    assert response.status_code == 400
    assert response.json()["error"]


def test_json_page_past_the_end_shows_the_last_page(client, trainers):
    assert client.get(JSON_URL, {"q": "60601", "page": "9"}).json()["page"] == 1


def test_sitemap_lists_published_profiles_only(trainers):
    trainers["milwaukee"].is_published = False
    trainers["milwaukee"].save()
    directory = TrainerDirectoryPage.objects.get()
    locations = [entry["location"] for entry in directory.get_sitemap_urls()]
    assert locations[0].endswith("/find-a-trainer/")
    assert any(loc.endswith("/find-a-trainer/loop-coach/") for loc in locations)
    assert len(locations) == 1 + 3


def test_json_results_are_publicly_cacheable_but_errors_are_not(client, trainers):
    assert "public" in client.get(JSON_URL, {"q": "60601"})["Cache-Control"]
    assert not client.get(JSON_URL, {"q": "Chicgo"}).has_header("Cache-Control")


def test_directory_page_allows_openstreetmap_tiles_and_nothing_else_new(client, trainers):
    policy = client.get("/find-a-trainer/", {"q": "60601"})["Content-Security-Policy"]
    img_src = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert "https://tile.openstreetmap.org" in img_src
    assert "script-src 'self'" in policy


class DownGeocoder:
    """An online geocoder that is not answering."""

    def geocode(self, query):
        raise GeocoderUnavailable


def test_geocoder_outage_is_a_message_on_the_page_not_an_error(client, trainers, settings):
    settings.TRAINERS_GEOCODER = f"{__name__}.DownGeocoder"
    response = client.get("/find-a-trainer/", {"q": "Leeds"})
    assert response.status_code == 200
    assert "Place search is unavailable right now" in response.content.decode()


def test_geocoder_outage_is_503_from_the_json_endpoint(client, trainers, settings):
    settings.TRAINERS_GEOCODER = f"{__name__}.DownGeocoder"
    assert client.get(JSON_URL, {"q": "Leeds"}).status_code == 503


def test_coordinates_still_work_while_the_geocoder_is_down(client, trainers, settings):
    settings.TRAINERS_GEOCODER = f"{__name__}.DownGeocoder"
    assert client.get(JSON_URL, {"q": "41.8858,-87.6181"}).json()["count"] == 2


def test_long_result_lists_are_paginated_with_links_that_keep_the_search(client, directory):
    for n in range(25):
        TrainerFactory(name=f"Coach {n:02d}", latitude=41.8858 + n * 0.001)
    first = client.get("/find-a-trainer/", {"q": "60601", "radius": "10"}).content.decode()
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "q=60601&amp;radius=10&amp;unit=mi&amp;page=2" in first
    second = client.get(
        "/find-a-trainer/", {"q": "60601", "radius": "10", "page": "2"}
    ).content.decode()
    assert "Coach 24" in second and "Coach 00" not in second
    assert 'start="21"' in second
