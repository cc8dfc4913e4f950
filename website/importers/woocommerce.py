"""WooCommerce's product CSV export (Products → Export) → course pages.

Simple virtual products are courses; variable, grouped and external products, variations
and physical products (not virtual, with a weight, dimensions or a shipping class) are
skipped with the reason. Keyed by SKU (or, without one, by WooCommerce's ID).
"""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.rich_text import RichText

from courses.models import CourseIndexPage, CoursePage
from shop.money import currency_exponent
from website.content.models import HomePage
from website.importers.blocks import Conversion, body_blocks, plain_text
from website.importers.exceptions import ImportFileRejected, ItemRejected
from website.importers.models import ImportedItem
from website.importers.report import SKIPPED, UNCHANGED, ImportReport
from website.importers.services import (
    ImportRun,
    Progress,
    file_store,
    fingerprint,
    free_slug,
    import_transaction,
    imported_get,
    imported_image_for_path,
    imported_record,
    outcome_for,
    page_save,
    redirect_set,
    upload_file,
    upload_path,
)

SOURCE = ImportedItem.Source.WOOCOMMERCE
REQUIRED_COLUMNS = ("Type", "SKU", "Name", "Published", "Regular price")
SUMMARY_MAX = 400
SHIPPING_COLUMNS = ("Weight", "Length", "Width", "Height", "Shipping class")


@dataclass(frozen=True)
class ProductRow:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        """A column by its name, whatever unit WooCommerce put after it ("Weight (kg)")."""
        if column in self.values:
            return (self.values[column] or "").strip()
        for name, value in self.values.items():
            if name and name.split(" (")[0] == column:
                return (value or "").strip()
        return ""

    @property
    def key(self) -> str:
        return self.get("SKU") or (f"id:{self.get('ID')}" if self.get("ID") else "")

    @property
    def label(self) -> str:
        return self.get("Name") or f"(line {self.line})"

    @property
    def types(self) -> set[str]:
        return {t.strip().lower() for t in self.get("Type").split(",") if t.strip()}


def woocommerce_parse(data: bytes) -> list[ProductRow]:
    """The CSV's rows with their line numbers; ImportFileRejected for a file that is not
    UTF-8, not CSV or lacks a required column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileRejected(
            f"The file is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
            "export it again from WooCommerce, which writes UTF-8."
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise ImportFileRejected(
                f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. "
                "Expected WooCommerce's product CSV export (Products → Export)."
            )
        rows, start = [], reader.line_num + 1
        for values in reader:
            if None in values:
                raise ImportFileRejected(
                    f"Line {reader.line_num} has more fields than the header; the file is damaged."
                )
            if any((v or "").strip() for v in values.values()):
                # The line the product starts on: descriptions span several lines.
                rows.append(ProductRow(line=start, values=values))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileRejected(
            f"The file is not valid CSV at line {reader.line_num}: {exc}."
        ) from None
    return rows


def price_cents(text: str, *, column: str, line: int) -> int | None:
    """Cents from WooCommerce's decimal price ("49", "49.00", "1299.5"); None when empty."""
    text = text.strip()
    if not text:
        return None
    exponent = currency_exponent(settings.SITE_CURRENCY)
    try:
        amount = Decimal(text.replace(",", "")) if re.fullmatch(r"[\d,]*\.?\d*", text) else None
    except InvalidOperation:
        amount = None
    if amount is None or amount < 0:
        raise ItemRejected(f"line {line}: {column} {text!r} is not a price")
    scaled = amount.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise ItemRejected(f"line {line}: {column} {text!r} has more than {exponent} decimals")
    return int(scaled)


def woocommerce_import(
    *,
    data: bytes,
    uploads: Path | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a WooCommerce product CSV as course pages; idempotent, keyed by SKU.

    A file with missing columns or that is not CSV raises ImportFileRejected and writes
    nothing; each product is then written in its own transaction, a bad price skips only
    that product (named by its line). A second run of the same file changes nothing.
    """
    rows = woocommerce_parse(data)
    run = ImportRun(source=SOURCE, uploads=uploads, dry_run=dry_run)
    with import_transaction(run):
        seen: dict[str, int] = {}
        for done, row in enumerate(rows, start=1):
            _product(run, row, seen)
            if progress:
                progress(done, len(rows))
    return run.report


def _skip(run: ImportRun, row: ProductRow, reason: str) -> None:
    run.report.add(row.key or f"line {row.line}", row.label, SKIPPED, kind="product", reason=reason)


def _product(run: ImportRun, row: ProductRow, seen: dict[str, int]) -> None:
    types = row.types
    if "variation" in types:
        return _skip(run, row, f"line {row.line}: a variation of {row.get('Parent') or '?'}")
    if types & {"variable", "grouped", "external"}:
        kind = next(iter(types & {"variable", "grouped", "external"}))
        return _skip(run, row, f"line {row.line}: {kind} products have no course counterpart")
    if "simple" not in types:
        return _skip(run, row, f"line {row.line}: unknown product type {row.get('Type')!r}")
    shipping = [c for c in SHIPPING_COLUMNS if row.get(c)]
    if "virtual" not in types and shipping:
        return _skip(
            run,
            row,
            f"line {row.line}: a physical product ({', '.join(shipping).lower()}); "
            "only courses are imported",
        )
    if not row.key:
        return _skip(run, row, f"line {row.line}: no SKU or ID to recognise it by next time")
    if row.key in seen:
        return _skip(run, row, f"line {row.line}: SKU {row.key} is also on line {seen[row.key]}")
    seen[row.key] = row.line
    warnings: list[str] = []
    if "virtual" not in types:
        warnings.append("not marked virtual in WooCommerce; imported as a course")
    with run.item(row.key, row.label, kind="product"):
        outcome = _course(run, row, warnings)
        run.report.add(row.key, row.label, outcome, kind="course page")
        for message in warnings:
            run.report.warn(row.key, row.label, f"line {row.line}: {message}")


def _course(run: ImportRun, row: ProductRow, warnings: list[str]) -> str:
    name = " ".join(row.get("Name").split())[:255]
    if not name:
        raise ItemRejected(f"line {row.line}: the product has no name")
    regular = price_cents(row.get("Regular price"), column="Regular price", line=row.line)
    sale = price_cents(row.get("Sale price"), column="Sale price", line=row.line)
    if regular is None:
        raise ItemRejected(f"line {row.line}: no regular price")
    price, compare_at = regular, None
    if sale is not None:
        if sale < regular:
            price, compare_at = sale, regular
        else:
            warnings.append("sale price is not below the regular price; regular price used")
    published = row.get("Published")
    live = published == "1"
    if published == "-1":
        warnings.append("private in WooCommerce: imported as a draft")
    purchasable = row.get("In stock?") not in {"0"}
    if not purchasable:
        warnings.append("out of stock in WooCommerce: imported as not purchasable")

    existing = imported_get(source=SOURCE, kind="product", source_id=row.key)
    page = existing.target.specific if existing else CoursePage()
    images = [u.strip() for u in row.get("Images").split(",") if u.strip()]
    hero = _image(run, images[0], warnings) if images else None
    conversion = Conversion(
        find_image=lambda *_: None, find_link=lambda href: None, video_title=name
    )
    description, trailer = _description(row.get("Description"), conversion, warnings)
    summary = plain_text(row.get("Short description")) or plain_text(row.get("Description"))
    if len(summary) > SUMMARY_MAX:
        summary = summary[: SUMMARY_MAX - 1].rsplit(" ", 1)[0] + "…"
        warnings.append(f"short description shortened to {SUMMARY_MAX} characters")
    if row.get("Categories"):
        warnings.append(f"categories ({row.get('Categories')}) are not kept: courses have none")
    fields: dict[str, Any] = {
        "title": name,
        "summary": summary or name,
        "search_description": plain_text(row.get("Short description"))[:SUMMARY_MAX],
        "description": description,
        "trailer": trailer,
        "hero_image": hero,
        "price_cents": price,
        "compare_at_price_cents": compare_at,
        "is_purchasable": purchasable,
    }
    parent = _course_index()
    checksum = fingerprint({"fields": fields, "live": live, "parent": parent.pk})
    outcome = outcome_for(existing, checksum)
    if outcome == UNCHANGED:
        return outcome
    for field_name, value in fields.items():
        setattr(page, field_name, value)
    # WooCommerce sold the product; its lessons live elsewhere until the coach adds them here.
    # A course with no lessons is never put on sale: a buyer would pay for an empty course.
    if page.is_purchasable and not (page.pk and page.get_children().live().exists()):
        page.is_purchasable = False
        warnings.append(
            'no lessons yet: imported as not for sale; add lessons, then tick "purchasable"'
        )
    if page.pk is None:
        page.slug = free_slug(parent, name)
        if page.slug != slugify(name, allow_unicode=True):
            warnings.append(
                f"a page at {slugify(name, allow_unicode=True)!r} exists already (not imported "
                f"from this shop): imported as {page.slug!r}; merge the two by hand"
            )
    page_save(page, parent=page.get_parent() if page.pk else parent, live=live)
    imported_record(
        source=SOURCE, kind="product", source_id=row.key, target=page, title=name, checksum=checksum
    )
    if live:
        # WooCommerce's default product address; the CSV has no slug, so it is the name's.
        redirect_set(f"/product/{slugify(name, allow_unicode=True)}/", page=page)
        if row.get("ID").isdigit():
            redirect_set(f"/?p={row.get('ID')}", page=page)
    return outcome


def _description(source: str, conversion: Conversion, warnings: list[str]):
    """The course description blocks (headings and paragraphs) and the trailer (the first
    YouTube/Vimeo video of the description)."""
    description, trailer = [], []
    for block_type, value in body_blocks(source or "", conversion):
        if block_type == "heading":
            description.append(("heading", value["text"]))
        elif block_type == "paragraph":
            description.append(("paragraph", value))
        elif block_type == "quote":
            description.append(("paragraph", _quote_paragraph(value)))
        elif block_type == "video" and not trailer:
            trailer.append(("video", value))
        else:
            warnings.append(f"a {block_type} in the description is not kept")
    if conversion.unknown_shortcodes:
        names = ", ".join(f"[{n}]" for n in sorted(conversion.unknown_shortcodes))
        warnings.append(f"unknown shortcodes kept as text: {names}")
    warnings.extend(conversion.warnings)
    return description, trailer


def _quote_paragraph(value) -> RichText:
    attribution = f" — {escape(value['attribution'])}" if value.get("attribution") else ""
    return RichText(f"<p><i>{escape(value['quote'])}</i>{attribution}</p>")


def _image(run: ImportRun, url: str, warnings: list[str]):
    relative = upload_path(url)
    image = imported_image_for_path(relative)
    if image is not None:
        return image
    path = upload_file(run, relative)
    if path is None:
        warnings.append(f"image {relative} not found in the uploads folder")
        return None
    image = file_store(run, path=path, title=Path(relative).stem.replace("-", " ").capitalize())
    stat = path.stat()
    imported_record(
        source=SOURCE,
        kind="image",
        source_id=relative,
        target=image,
        title=image.title,
        checksum=fingerprint([relative, stat.st_size]),
        file_path=relative,
    )
    return image


def _course_index() -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.first()
        if home is None:
            raise ItemRejected("the site has no home page to put the courses under")
        index = CourseIndexPage(title="Courses", slug=free_slug(home, "courses"))
        page_save(index, parent=home, live=True)
    return index
