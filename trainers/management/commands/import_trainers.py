from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trainers.exceptions import ImportRejected
from trainers.services import CSV_OPTIONAL, CSV_REQUIRED, trainer_import_csv
from website.jobs.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Create or update trainers from a CSV file keyed on external_id. Every row is checked "
        f"first; one bad row imports nothing. Columns: {', '.join(CSV_REQUIRED)} (required), "
        f"{', '.join(CSV_OPTIONAL)} (optional; certifications and specialties separated by ';')."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Path of the CSV file (UTF-8).")

    def handle(self, *args, file: Path, verbosity: int, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            with progress_bar(self, verbosity=verbosity, unit="step") as progress:
                summary = trainer_import_csv(data=data, progress=progress)
        except ImportRejected as exc:
            for line, reason in exc.errors:
                self.stderr.write(f"line {line}: {reason}" if line else reason)
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {file.name}: {summary.created} created, {summary.updated} updated, "
                f"{summary.unchanged} unchanged."
            )
        )
