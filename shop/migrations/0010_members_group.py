"""The Members group (what "members only" page restrictions name; who is in it follows
memberships, see shop.views.memberships.members_only_gate; it carries no permissions), and
the membership permissions for Shop managers."""

import importlib

from django.db import migrations

MEMBERSHIP_GRANTS = {
    "membershipplan": ["add", "change", "delete", "view"],
    "membership": ["change", "view"],
}


def forwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="Members")
    shop_managers = importlib.import_module("shop.migrations.0006_shop_managers")
    shop_managers.move_permissions(
        apps, grants=MEMBERSHIP_GRANTS, from_groups=[], to_group=shop_managers.SHOP_MANAGERS
    )


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0009_memberships"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
