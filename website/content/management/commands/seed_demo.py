from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each module's `seed(stdout=…)` adds its part of the demo; order matters (the site tree first).
SEEDERS = [
    "website.content.demo",
    "website.accounts.demo",
]


class Command(BaseCommand):
    help = "Create the demo site: page tree, content and logins. Running it again changes nothing."

    def handle(self, *args, **options):
        with transaction.atomic():
            for module in SEEDERS:
                import_module(module).seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
