"""State changes in the trainer directory."""

import csv
import dataclasses
import io
import math
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from certificates.exceptions import NotCertified, ProfileExists
from certificates.models import CertificationGrant

from .exceptions import AlreadyReviewed, ChangeSuperseded, ImportRejected, PlaceNotFound
from .geocoding import geocode_address
from .models import Certification, Inquiry, ProfileChange, Trainer
from .tasks import send_inquiry_email


def inquiry_send(*, trainer: Trainer, name: str, email: str, message: str) -> Inquiry:
    """Store a visitor's message to a published trainer and email it to them.

    The email goes out through the task queue; the visitor's address is its Reply-To, and the
    trainer's address never reaches the visitor. (The view rate-limits it: RATE_LIMITS.)
    """
    with transaction.atomic():
        inquiry = Inquiry.objects.create(trainer=trainer, name=name, email=email, message=message)
        send_inquiry_email.enqueue(inquiry_id=inquiry.pk)
    return inquiry


CSV_REQUIRED = ("external_id", "name", "email", "city", "country")
CSV_OPTIONAL = (
    "slug", "street", "region", "postal_code", "latitude", "longitude", "bio", "website", "phone",
    "certifications", "specialties", "offers_online", "published",
)  # fmt: skip
_TRUE, _FALSE = {"1", "yes", "y", "true"}, {"0", "no", "n", "false", ""}
_PLAIN_FIELDS = (
    "name", "slug", "email", "street", "city", "region", "postal_code", "country", "latitude",
    "longitude", "bio", "website", "phone", "offers_online", "is_published",
)  # fmt: skip


@dataclass
class ImportSummary:
    """What an import did: counts, and each row as (line, state, external_id, name)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: list[tuple[int, str, str, str]] = dataclasses.field(default_factory=list)


@dataclass
class _Row:
    line: int
    trainer: Trainer
    certifications: set[Certification]
    specialties: set[str]
    state: str  # "created", "updated" or "unchanged"


def _csv_rows(data: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            [(0, f"The file is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8.")]
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in CSV_REQUIRED if c not in columns]
    if missing:
        raise ImportRejected([(1, f"Missing column(s): {', '.join(missing)}.")])
    rows = []
    for record in reader:
        values = {
            (k or "").strip(): (v or "").strip() for k, v in record.items() if isinstance(v, str)
        }
        rows.append((reader.line_num, values))
    return columns, rows


def trainer_import_check_columns(*, data: bytes) -> None:
    """Raise ImportRejected unless `data` is UTF-8 CSV text with the required columns and at
    least one row: what an upload form checks before starting the (long) import."""
    _, rows = _csv_rows(data)
    if not rows:
        raise ImportRejected([(2, "The file has a header row but no trainers.")])


def _flag(value: str, name: str, default: bool) -> bool:
    value = value.lower()
    if value == "":
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValidationError(f"{name} must be yes or no, not {value!r}.")


def _coordinates(lat: str, lng: str) -> tuple[float | None, float | None]:
    """Both empty, or both finite numbers on the globe; ValidationError saying which is not."""
    if not (lat or lng):
        return None, None
    try:
        latitude, longitude = float(lat), float(lng)
    except ValueError:
        raise ValidationError("latitude and longitude must be numbers.") from None
    for name, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        # float() reads "nan" and "inf", which no comparison with a range rejects.
        if not math.isfinite(value) or not -limit <= value <= limit:
            raise ValidationError(f"{name} must be a number from -{limit} to {limit}, not {value}.")
    return latitude, longitude


def _prepare(line: int, values: dict, certs_by_key: dict[str, Certification]) -> _Row:
    """The trainer this row describes (not saved), or ValidationError saying why not."""
    existing = Trainer.objects.filter(external_id=values["external_id"]).first()
    trainer = existing or Trainer(external_id=values["external_id"])
    before = {f: getattr(trainer, f) for f in _PLAIN_FIELDS} if existing else None
    trainer.name = values["name"]
    trainer.slug = values.get("slug") or slugify(values["name"])
    trainer.email = values["email"]
    trainer.country = values["country"].upper()
    for field in ("street", "city", "region", "postal_code", "bio", "website", "phone"):
        setattr(trainer, field, values.get(field, ""))
    trainer.offers_online = _flag(values.get("offers_online", ""), "offers_online", False)
    trainer.is_published = _flag(values.get("published", ""), "published", True)
    trainer.latitude, trainer.longitude = _coordinates(
        values.get("latitude", ""), values.get("longitude", "")
    )
    if trainer.latitude is None:
        try:
            place = geocode_address(
                city=trainer.city,
                region=trainer.region,
                postal_code=trainer.postal_code,
                country=trainer.country,
            )
        except PlaceNotFound:
            raise ValidationError(
                f"couldn't locate {trainer.city!r}; check the address or give coordinates."
            ) from None
        trainer.latitude, trainer.longitude = round(place.latitude, 6), round(place.longitude, 6)
    trainer.full_clean(exclude=["photo", "user"])
    wanted_certs = set()
    for key in filter(None, (k.strip() for k in values.get("certifications", "").split(";"))):
        cert = certs_by_key.get(key.casefold())
        if cert is None:
            raise ValidationError(f"unknown certification {key!r}.")
        wanted_certs.add(cert)
    specialties = {s.strip() for s in values.get("specialties", "").split(";") if s.strip()}
    if existing is None:
        state = "created"
    else:
        same = (
            before == {f: getattr(trainer, f) for f in _PLAIN_FIELDS}
            and set(existing.certifications.all()) == wanted_certs
            and set(existing.specialties.names()) == specialties
        )
        state = "unchanged" if same else "updated"
    return _Row(line, trainer, wanted_certs, specialties, state)


def trainer_import_csv(
    *, data: bytes, progress: Callable[[int, int, str], None] | None = None
) -> ImportSummary:
    """Create or update trainers from a CSV file, keyed on `external_id`.

    All or nothing: every row is validated (and geocoded when it has no coordinates)
    before anything is written; any problem raises ImportRejected listing each bad
    line and nothing changes. Importing the same file again reports every row unchanged.
    `progress(done, total, phase)` is called as rows are checked and then saved.
    """
    _, rows = _csv_rows(data)
    certs_by_key = {}
    for cert in Certification.objects.all():
        certs_by_key[cert.name.casefold()] = certs_by_key[cert.slug] = cert
    prepared, errors = [], []
    seen = {"external_id": {}, "slug": {}}
    total = len(rows)
    for done, (line, values) in enumerate(rows, start=1):
        missing = [c for c in CSV_REQUIRED if not values.get(c)]
        try:
            if missing:
                raise ValidationError(f"{', '.join(missing)} must not be empty.")
            row = _prepare(line, values, certs_by_key)
            for key in ("external_id", "slug"):
                value = getattr(row.trainer, key)
                if value in seen[key]:
                    raise ValidationError(f"{key} {value!r} is also on line {seen[key][value]}.")
                seen[key][value] = line
            prepared.append(row)
        except ValidationError as exc:
            errors.append((line, _reason(exc)))
        if progress:
            progress(done, total * 2, "checking")
    if errors:
        raise ImportRejected(errors)
    summary = ImportSummary()
    with transaction.atomic():
        for done, row in enumerate(prepared, start=total + 1):
            if row.state != "unchanged":
                # Tags belong to the trainer's cluster and are written by its save().
                row.trainer.specialties.set(sorted(row.specialties))
                row.trainer.save()
                row.trainer.certifications.set(row.certifications)
            setattr(summary, row.state, getattr(summary, row.state) + 1)
            summary.rows.append((row.line, row.state, row.trainer.external_id, row.trainer.name))
            if progress:
                progress(done, total * 2, "saving")
    return summary


def _reason(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


PROPOSABLE_FIELDS = ("bio", "website", "phone", "specialties", "offers_online")


def profile_change_submit(*, trainer: Trainer, user, **proposed) -> ProfileChange:
    """Record a trainer's proposed changes to their own profile as a new revision for review.

    Only the trainer's linked account may propose; the public profile does not change
    until an editor approves. A revision is never edited: the pending one (if any) is marked
    superseded and a new one created, in one transaction, so an editor who has the old one
    open cannot approve text they never saw, and at most one revision waits per trainer.
    """
    if trainer.user_id is None or trainer.user_id != user.pk:
        raise PermissionDenied("Only the trainer's own account may propose changes.")
    values = {field: proposed[field] for field in PROPOSABLE_FIELDS}
    with transaction.atomic():
        # Serialises two submissions of one trainer on PostgreSQL; the unique constraint on
        # the pending revision is the guard that holds everywhere.
        Trainer.objects.select_for_update().filter(pk=trainer.pk).first()
        trainer.profile_changes.filter(status=ProfileChange.Status.PENDING).update(
            status=ProfileChange.Status.SUPERSEDED
        )
        change = ProfileChange.objects.create(trainer=trainer, submitted_by=user, **values)
    return change


def profile_change_review(*, change: ProfileChange, approve: bool, reviewer) -> ProfileChange:
    """Approve (apply to the public profile) or reject a pending revision, exactly once.

    The status moves from pending with a conditional update, so two editors deciding at
    the same moment cannot both apply it (the loser gets AlreadyReviewed), and a revision the
    trainer has since replaced is refused with ChangeSuperseded: what is approved is always
    the text the reviewer saw.
    """
    status = ProfileChange.Status.APPROVED if approve else ProfileChange.Status.REJECTED
    with transaction.atomic():
        moved = ProfileChange.objects.filter(
            pk=change.pk, status=ProfileChange.Status.PENDING
        ).update(status=status, reviewed_by=reviewer, reviewed_at=timezone.now())
        change.refresh_from_db()
        if not moved:
            if change.status == ProfileChange.Status.SUPERSEDED:
                raise ChangeSuperseded
            raise AlreadyReviewed
        if approve:
            trainer = change.trainer
            for field in ("bio", "website", "phone", "offers_online"):
                setattr(trainer, field, getattr(change, field))
            if change.publishes:
                trainer.is_published = True
            trainer.specialties.set(change.specialty_names)
            trainer.save()
    return change


def _free_slug(name: str) -> str:
    base = slugify(name)[:100] or "trainer"
    slug, n = base, 1
    while Trainer.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def trainer_profile_create_from_certification(
    *,
    user,
    name: str,
    city: str,
    region: str,
    postal_code: str,
    country: str,
    **proposed,
) -> ProfileChange:
    """A certified customer's own trainer profile: created unpublished, linked to their
    account, with their account's e-mail for messages, located from the address; its text
    goes to the editors as a revision that publishes it when approved (`profile_change_review`).

    Only an account holding a current certification (NotCertified), once (ProfileExists: one
    profile per account); an address the geocoder cannot place raises PlaceNotFound. The
    verified certification is not copied onto the profile: the listing reads it from the
    grant, so it disappears by itself when the grant expires or is revoked.
    """
    if not CertificationGrant.objects.active().filter(user=user).exists():
        raise NotCertified()
    place = geocode_address(city=city, region=region, postal_code=postal_code, country=country)
    with transaction.atomic():
        if Trainer.objects.select_for_update().filter(user=user).exists():
            raise ProfileExists()
        trainer = Trainer(
            name=name,
            slug=_free_slug(name),
            email=user.email,
            city=city,
            region=region,
            postal_code=postal_code,
            country=country,
            latitude=round(place.latitude, 6),
            longitude=round(place.longitude, 6),
            is_published=False,
            user=user,
        )
        trainer.full_clean(exclude=["photo"])
        try:
            with transaction.atomic():
                trainer.save()
        except IntegrityError:  # the same account, twice at once: the one-to-one decides
            raise ProfileExists() from None
        values = {field: proposed[field] for field in PROPOSABLE_FIELDS}
        return ProfileChange.objects.create(
            trainer=trainer, submitted_by=user, publishes=True, **values
        )
