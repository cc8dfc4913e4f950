"""Reads for the trainer directory: the distance search and what its filters offer."""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import (
    CharField,
    Count,
    F,
    FloatField,
    Func,
    Q,
    Value,
    Window,
    prefetch_related_objects,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cos, Power, Radians, Sin
from taggit.models import Tag

from certificates.models import CertificationGrant

from .geometry import a_from_km, bounding_box, km_from_a
from .models import Certification, Trainer, TrainerSpecialty


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
    # The nearest online coaches outside the radius, when asked for (`online_elsewhere=`).
    online_elsewhere: list[TrainerHit] = field(default_factory=list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


@dataclass(frozen=True)
class Credential:
    """A certification as a listing shows it: verified (a current grant, linked to its
    verification page) or listed (entered by an editor, not checked by the site)."""

    name: str
    slug: str
    is_verified: bool
    verification_url: str = ""


def attach_credentials(trainers: Iterable[Trainer]) -> None:
    """Set `trainer.credentials` on each trainer, in two queries whatever their number: the
    certifications their account holds now (verified) first, then the editor-entered ones not
    among them (listed), each by level and name. A grant that has expired by the clock is not
    verified, whether or not the daily sweep has run.

    The listed ones are read as plain rows rather than a prefetch: a prefetch builds a
    queryset per trainer, which cost a search page more than the search itself."""
    trainers = list(trainers)
    listings: dict[int, list[tuple[str, str]]] = {}
    for trainer_id, name, slug in (
        Trainer.certifications.through.objects.filter(trainer_id__in=[t.pk for t in trainers])
        .order_by("certification__level", "certification__name")
        .values_list("trainer_id", "certification__name", "certification__slug")
    ):
        listings.setdefault(trainer_id, []).append((name, slug))
    user_ids = {t.user_id for t in trainers if t.user_id}
    grants: dict[int, list[CertificationGrant]] = {}
    if user_ids:
        for grant in (
            CertificationGrant.objects.active()
            .filter(user_id__in=user_ids)
            .select_related("certification")
            .order_by("certification__level", "certification__name")
        ):
            grants.setdefault(grant.user_id, []).append(grant)
    for trainer in trainers:
        verified = [
            Credential(
                name=grant.certification.name,
                slug=grant.certification.slug,
                is_verified=True,
                verification_url=grant.get_absolute_url(),
            )
            for grant in grants.get(trainer.user_id, [])
            if trainer.user_id
        ]
        slugs = {credential.slug for credential in verified}
        listed = [
            Credential(name=name, slug=slug, is_verified=False)
            for name, slug in listings.get(trainer.pk, [])
            if slug not in slugs
        ]
        trainer.credentials = [*verified, *listed]


def _certified(slug: str) -> Q:
    """Trainers holding the certification: listed by an editor, or verified (a current
    grant on their account)."""
    return Q(
        pk__in=Trainer.certifications.through.objects.filter(certification__slug=slug).values(
            "trainer_id"
        )
    ) | Q(
        user_id__in=CertificationGrant.objects.active()
        .filter(certification__slug=slug)
        .values("user_id")
    )


def _filtered(*, certification: str, specialty: str, online_only: bool):
    trainers = Trainer.objects.published()
    if certification:
        trainers = trainers.filter(_certified(certification))
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
    online_elsewhere: int = 0,
) -> TrainerSearchResult:
    """Published trainers matching the filters, nearest first, one page of them.

    With `near` and `radius_km`: only trainers within the radius, by great-circle
    distance (ties broken by name in code-point order, then id, so the order is the same on
    every database). The database ranks: a bounding box on the indexed latitude/longitude
    narrows the rows, the haversine value (`HaversineA`, the same arithmetic as
    `geometry.haversine_a`, so SQLite, PostgreSQL and Python agree to the last digit) filters
    and orders them, and only the page's rows and the total leave the database. With `near`
    alone: every match, nearest first. Without `near`: every match by name. A page past the
    last one shows the last. With `near`, `radius_km` and `online_elsewhere`, also that many
    of the nearest online coaches outside the radius (`online_trainers_elsewhere`), read with
    the page's trainers.
    """
    trainers = _filtered(certification=certification, specialty=specialty, online_only=online_only)
    if near is None:
        return _page_of_queryset(trainers, page=page, per_page=per_page)
    lat, lng = near
    trainers = trainers.filter(latitude__isnull=False)
    if radius_km is not None:
        trainers = _in_box(trainers, lat, lng, radius_km)
    nearest = _nearest(trainers, lat, lng, within_km=radius_km)
    ranked, count = _page_of_nearest(nearest, page=page, per_page=per_page)
    paginator = Paginator(range(count), per_page)
    shown = paginator.get_page(page)
    elsewhere = (
        _online_outside(near, radius_km, online_elsewhere)
        if online_elsewhere and radius_km is not None
        else []
    )
    hits = _hits([*ranked, *elsewhere])
    return TrainerSearchResult(
        hits=hits[: len(ranked)],
        count=count,
        number=shown.number,
        num_pages=paginator.num_pages,
        online_elsewhere=hits[len(ranked) :],
    )


class HaversineA(CombinedExpression):
    """The haversine of the central angle between (lat, lng) and a trainer's position, as a
    database expression: `geometry.haversine_a` term for term (the query point's radians and
    cosine are computed here, in Python), so on SQLite (its math functions, or Django's
    stand-ins) and PostgreSQL it gives the very same double as the Python function."""

    def __init__(self, lat: float, lng: float):
        phi = math.radians(lat)
        latitude = Radians("latitude")
        dlat = Power(Sin((latitude - Value(phi)) / Value(2.0)), 2)
        dlng = Power(Sin(Radians(F("longitude") - Value(float(lng))) / Value(2.0)), 2)
        across = Value(math.cos(phi)) * Cos(latitude) * dlng
        super().__init__(dlat, "+", across, output_field=FloatField())


class _CodePointOrder(Func):
    """A text column compared by code point, as Python compares strings: PostgreSQL's "C"
    collation (UTF-8 bytes in order); SQLite's default BINARY collation already is."""

    template = "%(expressions)s"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template='%(expressions)s COLLATE "C"', **extra_context
        )


def _in_box(trainers, lat: float, lng: float, radius_km: float):
    """Only the trainers inside the bounding box of the circle (a cheap, indexed superset)."""
    box = bounding_box(lat, lng, radius_km)
    in_lng = Q()
    for west, east in box.lng_ranges:
        in_lng |= Q(longitude__gte=west, longitude__lte=east)
    return trainers.filter(in_lng, latitude__gte=box.min_lat, latitude__lte=box.max_lat)


def _nearest(
    trainers,
    lat: float,
    lng: float,
    *,
    within_km: float | None = None,
    beyond_km: float | None = None,
):
    """The trainers inside `within_km` / outside `beyond_km`, nearest first, equal distances
    by name (code point) and then pk; each row annotated with its haversine value `a`.
    Nothing is read until the caller slices."""
    ranked = trainers.annotate(a=HaversineA(lat, lng))
    if within_km is not None:
        ranked = ranked.filter(a__lte=a_from_km(within_km))
    if beyond_km is not None:
        ranked = ranked.filter(a__gt=a_from_km(beyond_km))
    return ranked.order_by("a", _CodePointOrder("name"), "pk")


def _page_of_nearest(nearest, *, page: int, per_page: int) -> tuple[list[tuple[float, int]], int]:
    """(haversine value, pk) of the page's rows and the number of rows in all: one query,
    the total counted by a window over the same rows, from the covering index alone; a page
    past the end (or below 1) costs a count and the page the paginator shows instead."""
    counted = nearest.annotate(total=Window(Count("pk"))).values_list("a", "pk", "total")
    if page >= 1:
        rows = list(counted[(page - 1) * per_page : page * per_page])
        if rows:
            return [(a, pk) for a, pk, _ in rows], rows[0][2]
    count = nearest.count()
    shown = Paginator(range(count), per_page).get_page(page)
    rows = list(counted[shown.start_index() - 1 : shown.end_index()]) if count else []
    return [(a, pk) for a, pk, _ in rows], count


def _hits(nearest: list[tuple[float, int]]) -> list[TrainerHit]:
    """(haversine value, pk) rows as hits, with what a listing shows (their rows are read
    by primary key once the ranking has chosen them)."""
    by_pk = Trainer.objects.select_related("photo").in_bulk([pk for _, pk in nearest])
    _attach_listing_facts(by_pk.values())
    return [TrainerHit(trainer=by_pk[pk], distance_km=km_from_a(a)) for a, pk in nearest]


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
    prefetch_related_objects(trainers, "photo")
    _attach_listing_facts(trainers)


def _attach_listing_facts(trainers: Iterable[Trainer]) -> None:
    """What a search hit shows beyond its row: `credentials` and `specialty_names` (by
    name), in three queries whatever the number of trainers."""
    trainers = list(trainers)
    attach_credentials(trainers)
    names: dict[int, list[str]] = {}
    for trainer_id, name in (
        TrainerSpecialty.objects.filter(content_object_id__in=[t.pk for t in trainers])
        .order_by("tag__name")
        .values_list("content_object_id", "tag__name")
    ):
        names.setdefault(trainer_id, []).append(name)
    for trainer in trainers:
        trainer.specialty_names = names.get(trainer.pk, [])


def online_trainers_elsewhere(
    *, near: tuple[float, float], radius_km: float, limit: int = 6
) -> list[TrainerHit]:
    """The nearest published trainers who coach online from outside the radius.

    Looks in widening rings (to 4, then 16 times the radius, then everywhere) and stops at
    the first ring holding enough of them: anyone beyond a ring is further than everyone
    inside it, so the answer is the same as ranking every online coach, and the database
    reads the index for a ring's box rather than every online coach.
    """
    return _hits(_online_outside(near, radius_km, limit))


def _online_outside(
    near: tuple[float, float], radius_km: float, limit: int
) -> list[tuple[float, int]]:
    online = Trainer.objects.published().filter(offers_online=True, latitude__isnull=False)
    for reach_km in (radius_km * 4, radius_km * 16):
        ring = _in_box(online, *near, reach_km)
        nearest = _nearest(ring, *near, within_km=reach_km, beyond_km=radius_km)
        outside = list(nearest.values_list("a", "pk")[:limit])
        if len(outside) >= limit:
            return outside
    return list(_nearest(online, *near, beyond_km=radius_km).values_list("a", "pk")[:limit])


def certification_choices() -> list[tuple[str, str]]:
    """The certifications some published trainer holds, listed or verified, by level."""
    return list(
        Certification.objects.filter(
            Q(trainers__is_published=True)
            | Q(
                grants__in=CertificationGrant.objects.active().filter(
                    user__trainer_profile__is_published=True
                ),
            )
        )
        .distinct()
        .values_list("slug", "name")
    )


def trainer_profile_offer(*, user) -> list[CertificationGrant]:
    """The current certifications an account without a trainer profile may create one from
    ("Create your trainer profile"); empty for anyone else."""
    if not user.is_authenticated or Trainer.objects.filter(user=user).exists():
        return []
    return list(
        CertificationGrant.objects.active().filter(user=user).select_related("certification")
    )


def specialty_choices() -> list[tuple[str, str]]:
    return list(
        Tag.objects.filter(trainers_trainerspecialty_items__content_object__is_published=True)
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )
