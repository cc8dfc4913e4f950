from django.core.management.base import BaseCommand

from website.content.services import default_site_follow_site_url


class Command(BaseCommand):
    help = "Point Wagtail's default Site at SITE_URL's host and port (run after migrate)."

    def handle(self, *args, **options):
        site = default_site_follow_site_url()
        if site is None:
            self.stdout.write("No default site yet: nothing to do.")
        else:
            self.stdout.write(f"Default site: {site.root_url}")
