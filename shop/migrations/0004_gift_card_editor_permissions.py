"""Editors and moderators issue and deactivate gift cards and manage values and promotions.

Migrations are frozen history, so this one repeats 0002's few lines rather than import them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "giftcard": ["add", "change", "view"],
    "giftcarddenomination": ["add", "change", "delete", "view"],
    "promotion": ["add", "change", "delete", "view"],
}
GROUPS = ["Editors", "Moderators"]


def _groups_and_permissions(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in GRANTS.items() for action in actions]
    permissions = Permission.objects.filter(content_type__app_label="shop", codename__in=codenames)
    return Group.objects.filter(name__in=GROUPS), list(permissions)


def grant(apps, schema_editor):
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
    dependencies = [("shop", "0003_gift_cards")]

    operations = [migrations.RunPython(grant, revoke)]
