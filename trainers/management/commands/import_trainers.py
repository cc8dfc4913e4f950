from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from trainers.exceptions import ImportRejected
from trainers.services import CSV_OPTIONAL, CSV_REQUIRED, trainer_import_csv


class _ProgressBar:
    """progress(done, total, phase) drawn as a tqdm bar on the command's stderr."""

    def __init__(self, stream):
        self.stream = stream
        self.bar = None

    def __call__(self, done: int, total: int, phase: str = "") -> None:
        if self.bar is None:
            self.bar = tqdm(total=total, file=self.stream, unit="step", leave=True)
        if phase:
            self.bar.set_description(phase, refresh=False)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


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
        # The bar goes to a terminal only: a cron job's log gets the result lines alone.
        bar = _ProgressBar(self.stderr._out) if verbosity > 0 and self.stderr.isatty() else None
        try:
            summary = trainer_import_csv(data=data, progress=bar)
        except ImportRejected as exc:
            if bar:
                bar.close()
            for line, reason in exc.errors:
                self.stderr.write(f"line {line}: {reason}" if line else reason)
            raise CommandError(str(exc)) from None
        if bar:
            bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {file.name}: {summary.created} created, {summary.updated} updated, "
                f"{summary.unchanged} unchanged."
            )
        )
