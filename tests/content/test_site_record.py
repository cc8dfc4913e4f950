"""Wagtail's default Site follows SITE_URL (`manage.py sync_site`), so the page URLs Wagtail
builds (sitemap, previews, admin links) name the address visitors use."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Site

pytestmark = pytest.mark.django_db


def _sync_site() -> str:
    out = StringIO()
    call_command("sync_site", stdout=out)
    return out.getvalue()


def test_sync_site_points_the_default_site_at_site_url_host_and_port(home_page, settings):
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    settings.SITE_URL = "http://127.0.0.1:8107"

    assert "Default site: http://127.0.0.1:8107" in _sync_site()

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8107)
    assert site.root_page.specific.full_url == "http://127.0.0.1:8107/"


def test_an_https_site_url_without_a_port_means_port_443(home_page, settings):
    settings.SITE_URL = "https://coach.example.com"

    _sync_site()

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == (
        "coach.example.com",
        443,
        "https://coach.example.com",
    )


def test_sync_site_before_any_site_exists_says_so_and_creates_nothing(db):
    Site.objects.all().delete()

    assert "No default site yet: nothing to do." in _sync_site()
    assert not Site.objects.exists()
