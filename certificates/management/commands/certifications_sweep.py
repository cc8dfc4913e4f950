"""Daily (safe to repeat): mark the certifications whose validity has run out, and e-mail a
renewal reminder 30 days before a certification expires (once per grant and expiry date).

Pages never wait for it: the verification page and the trainer listing compare a grant's
expiry with the clock themselves. `certificates.tasks.sweep_certifications` does the same
work on the task queue.
"""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from certificates.tasks import certifications_sweep


class Command(BaseCommand):
    help = "Mark expired certifications and send the renewal reminders that are due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="Run as if at this ISO date-time (with a time zone), e.g. to catch up.",
        )

    def handle(self, *args, now=None, **options):
        at: datetime | None = None
        if now:
            at = parse_datetime(now)
            if at is None or at.tzinfo is None:
                raise CommandError("--now must be an ISO date-time with a time zone.")
        counts = certifications_sweep(now=at)
        self.stdout.write(
            f"Marked {counts['expired']} certification(s) expired; "
            f"queued {counts['reminded']} renewal reminder(s)."
        )
