"""Reads for the trainer directory: the distance search and what its filters offer."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q, prefetch_related_objects
from taggit.models import Tag

from .geometry import bounding_box, haversine_km
from .models import Certification, Trainer


@dataclass(frozen=True)
class TrainerHit:
    trainer: Trainer
    distance_km: float | None


@dataclass(frozen=True)
class TrainerSearchResult:
    """One page of hits; `number` is the page actually shown (clamped to the last page)."""

    hits: list[TrainerHit]
    count: int
    number: int
    num_pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def _filtered(*, certification: str, specialty: str, online_only: bool):
    trainers = Trainer.objects.published()
    if certification:
        trainers = trainers.filter(
            pk__in=Trainer.certifications.through.objects.filter(
                certification__slug=certification
            ).values("trainer_id")
        )
    if specialty:
        trainers = trainers.filter(
            pk__in=Trainer.specialties.through.objects.filter(tag__slug=specialty).values(
                "content_object_id"
            )
        )
    if online_only:
        trainers = trainers.filter(offers_online=True)
    return trainers


def trainer_search(
    *,
    near: tuple[float, float] | None,
    radius_km: float | None,
    certification: str = "",
    specialty: str = "",
    online_only: bool = False,
    page: int = 1,
    per_page: int = 20,
) -> TrainerSearchResult:
    """Published trainers matching the filters, nearest first, one page of them.

    With `near` and `radius_km`: only trainers within the radius, by great-circle
    distance (ties broken by name, then id, so the order is the same on every database).
    The database narrows the rows with a bounding box on the indexed latitude/longitude;
    the exact distance is computed over those few rows here, which keeps SQLite and
    PostgreSQL in agreement to the last digit. With `near` alone: every match, nearest
    first. Without `near`: every match by name. A page past the last one shows the last.
    """
    trainers = _filtered(certification=certification, specialty=specialty, online_only=online_only)
    if near is None:
        return _page_of_queryset(trainers, page=page, per_page=per_page)
    lat, lng = near
    trainers = trainers.filter(latitude__isnull=False)
    if radius_km is not None:
        box = bounding_box(lat, lng, radius_km)
        in_lng = Q()
        for west, east in box.lng_ranges:
            in_lng |= Q(longitude__gte=west, longitude__lte=east)
        trainers = trainers.filter(in_lng, latitude__gte=box.min_lat, latitude__lte=box.max_lat)
    ranked = [
        row for row in _ranked(trainers, lat, lng) if radius_km is None or row[0] <= radius_km
    ]
    paginator = Paginator(ranked, per_page)
    shown = paginator.get_page(page)
    hits = _hits(shown.object_list)
    return TrainerSearchResult(
        hits=hits, count=paginator.count, number=shown.number, num_pages=paginator.num_pages
    )


def _ranked(trainers, lat: float, lng: float) -> list[tuple[float, str, int]]:
    """(distance in km, name, pk) for each trainer, nearest first.

    No ORDER BY in the query (the sort happens here), and only indexed columns are
    read in the first pass, so the database answers from the lat/lng index alone;
    names are fetched only for exact distance ties, which need them as tie-breakers.
    """
    rows = trainers.order_by().values_list("pk", "latitude", "longitude")
    by_distance = sorted((haversine_km(lat, lng, t_lat, t_lng), pk) for pk, t_lat, t_lng in rows)
    distances = [d for d, _ in by_distance]
    tied = {
        pk
        for i, (d, pk) in enumerate(by_distance)
        if (i and distances[i - 1] == d) or (i + 1 < len(distances) and distances[i + 1] == d)
    }
    names = dict(Trainer.objects.filter(pk__in=tied).values_list("pk", "name")) if tied else {}
    ranked = [(d, names.get(pk, ""), pk) for d, pk in by_distance]
    if tied:
        ranked.sort()
    return ranked


def _hits(ranked: list[tuple[float, str, int]]) -> list[TrainerHit]:
    by_pk = Trainer.objects.in_bulk([pk for _, _, pk in ranked])
    _prefetch(list(by_pk.values()))
    return [TrainerHit(trainer=by_pk[pk], distance_km=distance) for distance, _, pk in ranked]


def _page_of_queryset(trainers, *, page: int, per_page: int) -> TrainerSearchResult:
    paginator = Paginator(trainers.order_by("name", "pk"), per_page)
    shown = paginator.get_page(page)
    found = list(shown.object_list)
    _prefetch(found)
    return TrainerSearchResult(
        hits=[TrainerHit(trainer=t, distance_km=None) for t in found],
        count=paginator.count,
        number=shown.number,
        num_pages=paginator.num_pages,
    )


def _prefetch(trainers: list[Trainer]) -> None:
    prefetch_related_objects(trainers, "certifications", "specialties", "photo")


def online_trainers_elsewhere(
    *, near: tuple[float, float], radius_km: float, limit: int = 6
) -> list[TrainerHit]:
    """The nearest published trainers who coach online from outside the radius."""
    online = Trainer.objects.published().filter(offers_online=True, latitude__isnull=False)
    outside = [row for row in _ranked(online, *near) if row[0] > radius_km]
    return _hits(outside[:limit])


def certification_choices() -> list[tuple[str, str]]:
    return list(
        Certification.objects.filter(trainers__is_published=True)
        .distinct()
        .values_list("slug", "name")
    )


def specialty_choices() -> list[tuple[str, str]]:
    return list(
        Tag.objects.filter(trainers_trainerspecialty_items__content_object__is_published=True)
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )
