from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from website.content.services import default_site_follow_site_url

# Each entry is "module.function", called with stdout=…; each is idempotent. Order matters:
# the site tree first, then the sections, then the content that links into them.
SEEDERS = [
    "website.content.demo.seed_site_tree",
    "website.content.demo.trust.seed",
    "website.accounts.demo.seed",
    "trainers.demo.seed",
    "courses.demo.seed",
    "certificates.demo.seed",
    "shop.demo.seed",
    "shop.demo.seed_gift_cards",
    "shop.demo.seed_memberships",
    "website.newsletter.demo.seed",
    # Last: episodes link pages the other seeders made (e.g. the course "The Balance Gym").
    "website.content.demo.seed",
]


class Command(BaseCommand):
    help = "Create the demo site: page tree, content and logins. Running it again changes nothing."

    def handle(self, *args, **options):
        with transaction.atomic():
            for entry in SEEDERS:
                module, function = entry.rsplit(".", 1)
                getattr(import_module(module), function)(stdout=self.stdout)
            default_site_follow_site_url()
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
