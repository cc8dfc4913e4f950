"""pg_trgm for search that forgives typos (website.content.selectors.similar_pages).

A no-op on SQLite, where "Did you mean …?" comes from a vocabulary instead."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("content", "0007_contact_page_and_trust_pages")]

    operations = [TrigramExtension()]
