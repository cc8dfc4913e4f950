from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trainers.exceptions import ImportRejected
from trainers.services import CSV_OPTIONAL, CSV_REQUIRED, trainer_import_csv

_BAR_WIDTH = 30


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
        show_progress = verbosity > 0 and self.stderr.isatty()
        try:
            summary = trainer_import_csv(
                data=data, progress=self._progress if show_progress else None
            )
        except ImportRejected as exc:
            for line, reason in exc.errors:
                self.stderr.write(f"line {line}: {reason}" if line else reason)
            raise CommandError(str(exc)) from None
        finally:
            if show_progress:
                self.stderr.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {file.name}: {summary.created} created, {summary.updated} updated, "
                f"{summary.unchanged} unchanged."
            )
        )

    def _progress(self, done: int, total: int) -> None:
        filled = _BAR_WIDTH * done // max(total, 1)
        phase = "checking" if done * 2 <= total else "saving"
        bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
        self.stderr.write(f"\r[{bar}] {100 * done // max(total, 1):3d}% {phase}", ending="")
