"""Editors and Moderators, who manage trainers and certifications, may read who holds a
certification and which certificates were issued (nobody edits them in the admin)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WANTED = ["view_certificate", "view_certificationgrant"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; these need them now.
    app_config = apps.get_app_config("certificates")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="certificates", codename__in=WANTED
    )
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="certificates")
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_certificate_per_order"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
