"""Move document files that were uploaded to public media into the private storage.

Documents (lesson files and videos among them) now live in the `private` storage alias
(website/storage.py). A file still found in `public` under its name is copied across and the
public copy deleted; files already private are left alone, so running this again is harmless.
"""

from django.core.files.storage import storages
from django.db import migrations


def move_to_private(apps, schema_editor):
    Document = apps.get_model("wagtaildocs", "Document")
    public, private = storages["public"], storages["private"]
    for name in Document.objects.values_list("file", flat=True).iterator():
        if not name or private.exists(name) or not public.exists(name):
            continue
        with public.open(name, "rb") as source:
            saved = private.save(name, source)
        if saved == name:
            public.delete(name)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_initial"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(move_to_private, migrations.RunPython.noop)]
