"""What both importers share: the run (dry or real), the source-id mapping, files from the
uploads folder, saving and publishing pages, and redirects from the old addresses."""

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.images import ImageFile
from django.db import models, transaction
from django.utils.text import slugify
from PIL import Image as PILImage
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.rich_text import RichText

from website.importers.exceptions import ItemRejected
from website.importers.models import ImportedItem
from website.importers.report import CREATED, SKIPPED, UNCHANGED, UPDATED, ImportReport

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"}
UPLOADS_MARKER = "/wp-content/uploads/"


@dataclass
class ImportRun:
    """One run of an importer: its report, the files it stored and how to find uploads.

    The files are remembered so a dry run (and an item that failed half-way) leaves no file
    behind in storage: the database rolls back on its own, storage does not.
    """

    source: str
    uploads: Path | None
    dry_run: bool
    report: ImportReport = field(init=False)
    stored_files: list[tuple[Any, str]] = field(default_factory=list)

    def __post_init__(self):
        self.report = ImportReport(dry_run=self.dry_run)

    def forget_files(self, since: int = 0) -> None:
        for storage, name in self.stored_files[since:]:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not delete %s after a rolled-back import", name)
        del self.stored_files[since:]

    @contextmanager
    def item(self, source_id, title: str, *, kind: str) -> Iterator[None]:
        """One item, all or nothing: a rejection or an error rolls back only this item and
        is reported as skipped with its reason."""
        mark = len(self.stored_files)
        try:
            with transaction.atomic():
                yield
        except ItemRejected as exc:
            self.forget_files(mark)
            self.report.add(source_id, title, SKIPPED, kind=kind, reason=str(exc))
        except ValidationError as exc:
            self.forget_files(mark)
            self.report.add(source_id, title, SKIPPED, kind=kind, reason=_reason(exc))
        except Exception as exc:
            # One broken item must not stop a migration of hundreds; it is named in the
            # report with the error, and the log has the traceback.
            logger.exception("Import of %s %s failed", kind, source_id)
            self.forget_files(mark)
            self.report.add(source_id, title, SKIPPED, kind=kind, reason=f"error: {exc}")


def _reason(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


@contextmanager
def import_transaction(run: ImportRun) -> Iterator[None]:
    """A real run commits item by item; a dry run does the same work inside one transaction
    that is rolled back at the end, and deletes the files it stored."""
    if not run.dry_run:
        yield
        return
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        run.forget_files()


def fingerprint(value: Any) -> str:
    """A digest of what an item would become: unchanged digest, nothing to write."""

    def encode(obj):
        if isinstance(obj, models.Model):
            return f"{obj._meta.label}:{obj.pk}"
        if isinstance(obj, RichText):
            return obj.source
        if isinstance(obj, datetime | date):
            return obj.isoformat()
        if isinstance(obj, set | frozenset):
            return sorted(obj)
        raise TypeError(f"cannot fingerprint {type(obj).__name__}")

    text = json.dumps(value, sort_keys=True, default=encode)
    return hashlib.sha256(text.encode()).hexdigest()


def imported_get(*, source: str, kind: str, source_id) -> ImportedItem | None:
    """The mapping of a source item whose object still exists (a deleted page is forgotten)."""
    item = (
        ImportedItem.objects.filter(source=source, kind=kind, source_id=str(source_id))
        .select_related("content_type")
        .first()
    )
    if item is None:
        return None
    if item.target is None:
        item.delete()
        return None
    return item


def imported_record(
    *, source: str, kind: str, source_id, target, title: str, checksum: str, file_path: str = ""
) -> ImportedItem:
    item, _ = ImportedItem.objects.update_or_create(
        source=source,
        kind=kind,
        source_id=str(source_id),
        defaults={
            "content_type": ContentType.objects.get_for_model(target, for_concrete_model=False),
            "object_id": target.pk,
            "title": title[:255],
            "checksum": checksum,
            "file_path": file_path,
        },
    )
    return item


def upload_path(url_or_path: str) -> str:
    """The part of an uploads URL after wp-content/uploads/ ("2019/05/a.jpg"), or the path
    itself when it is already relative."""
    if UPLOADS_MARKER in url_or_path:
        return url_or_path.split(UPLOADS_MARKER, 1)[1].split("?")[0]
    return url_or_path.lstrip("/")


def upload_file(run: ImportRun, relative: str) -> Path | None:
    """The file under --uploads, or None when missing. Never a path outside that folder."""
    if run.uploads is None or not relative:
        return None
    root = run.uploads.resolve()
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def imported_image_for_path(relative: str):
    """An image either importer already made from this uploads path, or None."""
    image_type = ContentType.objects.get_for_model(get_image_model())
    for item in ImportedItem.objects.filter(file_path=relative, content_type=image_type):
        if item.target is not None:
            return item.target
    return None


def file_store(run: ImportRun, *, path: Path, title: str, existing=None):
    """A Wagtail image (for picture files) or document (anything else) from a local file.

    `existing` is the object imported from the same source before: it gets the new file.
    A picture Pillow cannot read is refused (ItemRejected), never stored half-readable.
    """
    is_image = path.suffix.lower() in IMAGE_EXTENSIONS
    model = get_image_model() if is_image else get_document_model()
    if is_image:
        try:
            with PILImage.open(path) as picture:
                picture.verify()
        except Exception as exc:
            raise ItemRejected(f"{path.name} is not a readable image ({exc})") from None
    obj = existing if isinstance(existing, model) else model()
    obj.title = title[:255] or path.name
    with path.open("rb") as handle:
        wrapped = ImageFile(handle, name=path.name) if is_image else File(handle, name=path.name)
        obj.file.save(path.name, wrapped, save=False)
    run.stored_files.append((obj.file.storage, obj.file.name))
    obj.file_size = path.stat().st_size
    obj._set_file_hash()
    obj.save()
    return obj


def free_slug(parent: Page, wanted: str, *, page: Page | None = None) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`… whichever is free among the parent's children."""
    base = (slugify(wanted, allow_unicode=True) or "page")[:240]
    candidate, suffix = base, 1
    while not Page._slug_is_available(candidate, parent, page):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


def page_save(
    page: Page, *, parent: Page | None, live: bool, first_published_at: datetime | None = None
) -> Page:
    """Create (under `parent`) or update an imported page as a new revision.

    Live in the source: published (the old publish date kept as first published). A draft in
    the source: a draft here; a page that was live and is now a draft in the source is
    unpublished, so the import never leaves public what the source has withdrawn.
    """
    if live and first_published_at is not None and page.first_published_at is None:
        page.first_published_at = first_published_at
    if page.pk is None:
        page.live = False
        parent.add_child(instance=page)
    elif not page.live:
        page.save()
    if live:
        page.save_revision().publish()
    else:
        if page.live:
            page.unpublish()
        page.save_revision()
    return page


def redirect_set(old_path: str, *, page: Page | None = None, link: str = "") -> Redirect | None:
    """A permanent redirect from an old address to a page (or a path); not when it would
    point at itself. Idempotent: the address keeps one redirect, pointed afresh."""
    normalised = Redirect.normalise_path(old_path)
    target = page.url if page is not None else link
    if target and Redirect.normalise_path(target) == normalised:
        return None
    redirect, _ = Redirect.objects.update_or_create(
        old_path=normalised,
        site=None,
        defaults={
            "redirect_page": page,
            "redirect_link": "" if page is not None else link,
            "is_permanent": True,
        },
    )
    return redirect


def outcome_for(existing: ImportedItem | None, checksum: str) -> str:
    if existing is None:
        return CREATED
    return UNCHANGED if existing.checksum == checksum else UPDATED
