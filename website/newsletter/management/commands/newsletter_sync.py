from django.core.management.base import BaseCommand

from website.newsletter.selectors import subscribers_out_of_sync
from website.newsletter.tasks import sync_subscriber_to_provider


class Command(BaseCommand):
    help = "Queue a provider sync for every subscriber the provider is out of step with (for cron)."

    def handle(self, *args, **options):
        ids = list(subscribers_out_of_sync().values_list("pk", flat=True))
        for subscriber_id in ids:
            sync_subscriber_to_provider.enqueue(subscriber_id)
        self.stdout.write(f"Queued {len(ids)} newsletter provider sync(s).")
