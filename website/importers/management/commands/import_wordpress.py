import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from website.importers.exceptions import ImportFileRejected
from website.importers.report import write_report
from website.importers.wordpress import (
    DEFAULT_EPISODE_CATEGORY,
    DEFAULT_EPISODE_TITLE,
    WordPressOptions,
    wordpress_import,
)
from website.jobs.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR, Tools → Export): posts become articles or episodes, "
        "pages standard pages, attachments images and documents from --uploads; old "
        "permalinks redirect. Safe to run again: items are matched by their WordPress id."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The WXR (.xml) export file.")
        parser.add_argument(
            "--uploads",
            type=Path,
            help="A copy of wp-content/uploads/ (the files attachments refer to).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything and print the report, then roll it all back.",
        )
        parser.add_argument(
            "--episode-category",
            default=DEFAULT_EPISODE_CATEGORY,
            help="Posts in this category (name or slug) are episodes "
            f"(default {DEFAULT_EPISODE_CATEGORY!r}; '' to turn off).",
        )
        parser.add_argument(
            "--episode-title",
            default=DEFAULT_EPISODE_TITLE,
            help="A regular expression on the title whose first group is the episode number "
            "(default: a title ending in '– Episode 403').",
        )

    def handle(self, *args, file: Path, uploads, dry_run, verbosity, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        if uploads is not None and not uploads.is_dir():
            raise CommandError(f"--uploads {uploads} is not a folder.")
        try:
            re.compile(options["episode_title"])
        except re.error as exc:
            raise CommandError(f"--episode-title is not a regular expression: {exc}.") from None
        settings = WordPressOptions(
            episode_category=options["episode_category"], episode_title=options["episode_title"]
        )
        try:
            with progress_bar(self, verbosity=verbosity, unit="item") as progress:
                report = wordpress_import(
                    data=data, uploads=uploads, dry_run=dry_run, options=settings, progress=progress
                )
        except ImportFileRejected as exc:
            raise CommandError(f"{file.name}: {exc} Nothing was imported.") from None
        write_report(self, report)
