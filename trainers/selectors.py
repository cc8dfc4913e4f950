"""Reads for the trainer directory: the distance search and what its filters offer."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Q, prefetch_related_objects
from taggit.models import Tag

from certificates.models import CertificationGrant

from .geometry import a_from_km, bounding_box, haversine_a, km_from_a
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
    """Set `trainer.credentials` on each trainer, in one query whatever their number: the
    certifications their account holds now (verified) first, then the editor-entered ones not
    among them (listed). Expects `certifications` prefetched. A grant that has expired by the
    clock is not verified, whether or not the daily sweep has run."""
    trainers = list(trainers)
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
            Credential(name=cert.name, slug=cert.slug, is_verified=False)
            for cert in trainer.certifications.all()
            if cert.slug not in slugs
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
    distance (ties broken by name, then id, so the order is the same on every database).
    The database narrows the rows with a bounding box on the indexed latitude/longitude;
    the exact distance is computed over those few rows here, which keeps SQLite and
    PostgreSQL in agreement to the last digit. With `near` alone: every match, nearest
    first. Without `near`: every match by name. A page past the last one shows the last.
    With `near`, `radius_km` and `online_elsewhere`, also that many of the nearest online
    coaches outside the radius (`online_trainers_elsewhere`), read with the page's trainers.
    """
    trainers = _filtered(certification=certification, specialty=specialty, online_only=online_only)
    if near is None:
        return _page_of_queryset(trainers, page=page, per_page=per_page)
    lat, lng = near
    trainers = trainers.filter(latitude__isnull=False)
    if radius_km is not None:
        trainers = _in_box(trainers, lat, lng, radius_km)
    nearest = _nearest(trainers, lat, lng, within_km=radius_km)
    paginator = Paginator(nearest, per_page)
    shown = paginator.get_page(page)
    ranked = _ordered_slice(nearest, shown.start_index() - 1, shown.end_index())
    elsewhere = (
        _online_outside(near, radius_km, online_elsewhere)
        if online_elsewhere and radius_km is not None
        else []
    )
    hits = _hits([*ranked, *elsewhere])
    return TrainerSearchResult(
        hits=hits[: len(ranked)],
        count=paginator.count,
        number=shown.number,
        num_pages=paginator.num_pages,
        online_elsewhere=hits[len(ranked) :],
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
) -> list[tuple[float, int]]:
    """(haversine value, pk) of the trainers inside `within_km` / outside `beyond_km`, nearest
    first (equal distances by pk; see _ordered_slice for names).

    The query has no ORDER BY and reads only indexed columns, so the database answers from
    the lat/lng index alone; the haversine value ranks without the arcsine per row.
    """
    rows = trainers.order_by().values_list("pk", "latitude", "longitude")
    keyed = [(haversine_a(lat, lng, t_lat, t_lng), pk) for pk, t_lat, t_lng in rows]
    if within_km is not None:
        limit = a_from_km(within_km)
        keyed = [row for row in keyed if row[0] <= limit]
    if beyond_km is not None:
        limit = a_from_km(beyond_km)
        keyed = [row for row in keyed if row[0] > limit]
    keyed.sort()
    return keyed


def _ordered_slice(
    nearest: list[tuple[float, int]], start: int, end: int
) -> list[tuple[float, int]]:
    """nearest[start:end] as if equal distances were ordered by name, then pk.

    Only the rows tied with the slice's ends can move into or out of it, so the slice is
    widened to whole tie groups and only those names are read.
    """
    if start >= end:
        return []
    low, high = start, end
    while low > 0 and nearest[low - 1][0] == nearest[start][0]:
        low -= 1
    while high < len(nearest) and nearest[high][0] == nearest[end - 1][0]:
        high += 1
    window = nearest[low:high]
    if len({a for a, _ in window}) < len(window):
        names = dict(
            Trainer.objects.filter(pk__in=[pk for _, pk in window]).values_list("pk", "name")
        )
        window.sort(key=lambda row: (row[0], names[row[1]], row[1]))
    return window[start - low : end - low]


def _hits(nearest: list[tuple[float, int]]) -> list[TrainerHit]:
    by_pk = Trainer.objects.select_related("photo").in_bulk([pk for _, pk in nearest])
    prefetch_related_objects(list(by_pk.values()), "certifications", "specialties")
    attach_credentials(by_pk.values())
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
    prefetch_related_objects(trainers, "certifications", "specialties", "photo")
    attach_credentials(trainers)


def online_trainers_elsewhere(
    *, near: tuple[float, float], radius_km: float, limit: int = 6
) -> list[TrainerHit]:
    """The nearest published trainers who coach online from outside the radius.

    Looks in widening rings (to 4, then 16 times the radius, then everywhere) and stops at
    the first ring holding enough of them: anyone beyond a ring is further than everyone
    inside it, so the answer is the same as ranking every online coach, at a fraction
    of the rows.
    """
    return _hits(_online_outside(near, radius_km, limit))


def _online_outside(near: tuple[float, float], radius_km: float, limit: int):
    online = Trainer.objects.published().filter(offers_online=True, latitude__isnull=False)
    for reach_km in (radius_km * 4, radius_km * 16):
        ring = _in_box(online, *near, reach_km)
        outside = _nearest(ring, *near, within_km=reach_km, beyond_km=radius_km)
        if len(outside) >= limit:
            break
    else:
        outside = _nearest(online, *near, beyond_km=radius_km)
    return _ordered_slice(outside, 0, min(limit, len(outside)))


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
