"""Editors and moderators see orders and manage coupons in the Wagtail admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"order": ["view"], "coupon": ["add", "change", "delete", "view"]}
GROUPS = ["Editors", "Moderators"]


def _groups_and_permissions(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in GRANTS.items() for action in actions]
    permissions = Permission.objects.filter(content_type__app_label="shop", codename__in=codenames)
    return Group.objects.filter(name__in=GROUPS), list(permissions)


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours exist now.
    app_config = apps.get_app_config("shop")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    groups, permissions = _groups_and_permissions(apps)
    for group in groups:
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    groups, permissions = _groups_and_permissions(apps)
    for group in groups:
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
