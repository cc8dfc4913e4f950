"""Money is a privilege of its own: a "Shop managers" group gets the store's permissions
(orders and refunds, coupons, gift cards and their values, promotions), which Editors and
Moderators lose; they keep content only.

0002 and 0004 granted the same kind of permissions by two near-twin copies; this migration
moves all of them with one helper, `move_permissions`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SHOP_MANAGERS = "Shop managers"
CONTENT_GROUPS = ["Editors", "Moderators"]
SHOP_GRANTS = {
    "order": ["view", "refund"],
    "coupon": ["add", "change", "delete", "view"],
    "giftcard": ["add", "change", "view"],
    "giftcarddenomination": ["add", "change", "delete", "view"],
    "promotion": ["add", "change", "delete", "view"],
}


def _codenames(grants):
    return [f"{action}_{model}" for model, actions in grants.items() for action in actions]


def move_permissions(apps, *, grants, from_groups, to_group):
    """Give `to_group` (made if missing) the shop permissions in `grants` and take them from
    `from_groups`; an empty `to_group` name only takes them away."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # Permissions are normally created after all migrations; make sure ours exist now.
    app_config = apps.get_app_config("shop")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    permissions = list(
        Permission.objects.filter(content_type__app_label="shop", codename__in=_codenames(grants))
    )
    for group in Group.objects.filter(name__in=from_groups):
        group.permissions.remove(*permissions)
    if to_group:
        group, _ = Group.objects.get_or_create(name=to_group)
        group.permissions.add(*permissions)
    return permissions


def _admin_access(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )


def forwards(apps, schema_editor):
    move_permissions(apps, grants=SHOP_GRANTS, from_groups=CONTENT_GROUPS, to_group=SHOP_MANAGERS)
    Group = apps.get_model("auth", "Group")
    Group.objects.get(name=SHOP_MANAGERS).permissions.add(*_admin_access(apps))


def backwards(apps, schema_editor):
    # Refunding was never the content groups' to have.
    earlier = {model: [a for a in actions if a != "refund"] for model, actions in SHOP_GRANTS.items()}
    Group = apps.get_model("auth", "Group")
    managers = Group.objects.filter(name=SHOP_MANAGERS).first()
    move_permissions(apps, grants=SHOP_GRANTS, from_groups=[SHOP_MANAGERS], to_group="")
    for name in CONTENT_GROUPS:
        move_permissions(apps, grants=earlier, from_groups=[], to_group=name)
    if managers is not None:
        managers.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0005_wide_money"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="order",
            options={
                "ordering": ["-created_at", "-pk"],
                "permissions": [("refund_order", "Can refund orders")],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
