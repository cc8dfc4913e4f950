import pytest
from geopy.exc import GeocoderTimedOut

from trainers.exceptions import GeocoderUnavailable, InvalidCoordinates, PlaceNotFound
from trainers.geocoding import geocode_address, get_geocoder
from trainers.geocoding.gazetteer import GazetteerGeocoder
from trainers.geocoding.nominatim import NominatimGeocoder


@pytest.fixture(scope="module")
def gazetteer():
    return GazetteerGeocoder()


def test_us_zip_code_resolves_to_its_centroid(gazetteer):
    place = gazetteer.geocode("60601").place
    assert place.latitude == pytest.approx(41.886, abs=0.01)
    assert place.longitude == pytest.approx(-87.618, abs=0.01)
    assert "Chicago" in place.label


def test_zip_plus_four_uses_the_five_digit_code(gazetteer):
    assert gazetteer.geocode("60601-1234").place == gazetteer.geocode("60601").place


def test_unknown_zip_code_is_not_found(gazetteer):
    with pytest.raises(PlaceNotFound):
        gazetteer.geocode("00000")


def test_world_city_is_found_without_accents(gazetteer):
    assert gazetteer.geocode("zurich").place.label == "Zürich, Switzerland"


def test_city_with_country_qualifier_picks_that_country(gazetteer):
    assert gazetteer.geocode("London, Canada").place.label == "London, Canada"


def test_city_with_us_state_qualifier_picks_that_state(gazetteer):
    place = gazetteer.geocode("Springfield, IL").place
    assert place.label == "Springfield, IL"
    assert place.latitude == pytest.approx(39.80, abs=0.05)


def test_ambiguous_name_resolves_to_the_most_populous_with_alternatives(gazetteer):
    result = gazetteer.geocode("Springfield")
    assert result.place.label == "Springfield, MO"
    labels = [p.label for p in result.alternatives]
    assert "Springfield, MA" in labels and "Springfield, IL" in labels
    assert result.place.label not in labels


def test_large_city_is_found_under_its_common_alias(gazetteer):
    assert gazetteer.geocode("New York").place.label == "New York City, NY"


def test_lat_lng_pair_is_taken_as_it_is(gazetteer):
    place = gazetteer.geocode(" -33.87, 151.21 ").place
    assert (place.latitude, place.longitude) == (-33.87, 151.21)


@pytest.mark.parametrize("query", ["91,0", "0,181", "-90.5,10"])
def test_lat_lng_out_of_range_is_invalid(gazetteer, query):
    with pytest.raises(InvalidCoordinates):
        gazetteer.geocode(query)


def test_misspelt_city_is_not_found_but_suggests_the_real_one(gazetteer):
    with pytest.raises(PlaceNotFound) as caught:
        gazetteer.geocode("Chicgo")
    assert "Chicago, IL" in caught.value.suggestions


def test_gibberish_is_not_found(gazetteer):
    with pytest.raises(PlaceNotFound):
        gazetteer.geocode("qqxqzzv")


def test_unknown_qualifier_is_not_found(gazetteer):
    with pytest.raises(PlaceNotFound):
        gazetteer.geocode("Paris, Narnia")


def test_address_is_located_by_zip_code_first():
    place = geocode_address(city="Nowhere", region="IL", postal_code="60601", country="US")
    assert place.latitude == pytest.approx(41.886, abs=0.01)


def test_address_outside_the_us_is_located_by_city_and_country():
    place = geocode_address(city="Manchester", region="Greater Manchester", country="GB")
    assert place.label == "Manchester, United Kingdom"


def test_the_geocoder_setting_chooses_the_implementation(settings):
    settings.TRAINERS_GEOCODER = "trainers.geocoding.nominatim.NominatimGeocoder"
    assert isinstance(get_geocoder(), NominatimGeocoder)


class _Location:
    def __init__(self, address, latitude, longitude):
        self.address, self.latitude, self.longitude = address, latitude, longitude


class _RecordingClient:
    """Stands in for geopy's Nominatim: answers from a table and counts the calls."""

    def __init__(self, answer=None, error=None):
        self.answer, self.error, self.calls = answer or [], error, 0

    def geocode(self, query, **kwargs):
        self.calls += 1
        if self.error:
            raise self.error
        return self.answer


def test_online_geocoder_returns_the_first_answer_and_caches_it():
    client = _RecordingClient(
        [_Location("Leeds, UK", 53.8, -1.55), _Location("Leeds, AL, USA", 33.5, -86.5)]
    )
    geocoder = NominatimGeocoder(client=client)
    result = geocoder.geocode("Leeds")
    assert result.place.label == "Leeds, UK"
    assert [p.label for p in result.alternatives] == ["Leeds, AL, USA"]
    geocoder.geocode("leeds")
    assert client.calls == 1


def test_online_geocoder_not_found_is_place_not_found():
    with pytest.raises(PlaceNotFound):
        NominatimGeocoder(client=_RecordingClient([])).geocode("Atlantis")


def test_online_geocoder_failure_is_unavailable_not_a_crash():
    with pytest.raises(GeocoderUnavailable):
        NominatimGeocoder(client=_RecordingClient(error=GeocoderTimedOut("slow"))).geocode("Leeds")


def test_online_geocoder_never_sends_coordinates_out():
    client = _RecordingClient()
    assert NominatimGeocoder(client=client).geocode("51.5,-0.12").place.latitude == 51.5
    assert client.calls == 0
