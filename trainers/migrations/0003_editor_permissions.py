"""Editors and Moderators manage trainers and certifications, read inquiries, review profile changes."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "trainer": ("add", "change", "delete", "view"),
    "certification": ("add", "change", "delete", "view"),
    "inquiry": ("view",),
    "profilechange": ("change", "view"),
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; these need them now.
    app_config = apps.get_app_config("trainers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = [f"{action}_{model}" for model, actions in GRANTS.items() for action in actions]
    permissions = Permission.objects.filter(content_type__app_label="trainers", codename__in=wanted)
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="trainers")
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("trainers", "0002_profile_change"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
