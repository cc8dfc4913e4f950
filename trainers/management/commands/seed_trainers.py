from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from trainers.demo import SYNTHETIC_PREFIX, insert_synthetic_trainers
from trainers.models import Trainer


class Command(BaseCommand):
    help = (
        "Replace the synthetic load-test trainers (slugs starting 'synthetic-') with COUNT new "
        "ones, clustered around the demo cities and spread over the US. Demo trainers stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="How many (default 1000).")

    def handle(self, *args, count: int, **options):
        if count < 0:
            raise CommandError("--count must be zero or more.")
        with transaction.atomic():
            removed, _ = Trainer.objects.filter(slug__startswith=f"{SYNTHETIC_PREFIX}-").delete()
            insert_synthetic_trainers(count)
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic trainers: {count} created ({removed} rows removed first)."
            )
        )
