from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from website.importers.exceptions import ImportFileRejected
from website.importers.report import write_report
from website.importers.woocommerce import REQUIRED_COLUMNS, woocommerce_import
from website.jobs.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Import WooCommerce's product CSV export (Products → Export) as course pages: simple "
        "virtual products become courses, others are skipped with the reason. Safe to run "
        f"again: products are matched by SKU. Required columns: {', '.join(REQUIRED_COLUMNS)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The product CSV (UTF-8).")
        parser.add_argument(
            "--uploads", type=Path, help="A copy of wp-content/uploads/ (product images)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything and print the report, then roll it all back.",
        )

    def handle(self, *args, file: Path, uploads, dry_run, verbosity, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        if uploads is not None and not uploads.is_dir():
            raise CommandError(f"--uploads {uploads} is not a folder.")
        try:
            with progress_bar(self, verbosity=verbosity, unit="product") as progress:
                report = woocommerce_import(
                    data=data, uploads=uploads, dry_run=dry_run, progress=progress
                )
        except ImportFileRejected as exc:
            raise CommandError(f"{file.name}: {exc} Nothing was imported.") from None
        write_report(self, report)
