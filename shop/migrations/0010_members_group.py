from django.db import migrations


def create_members_group(apps, schema_editor):
    # The group "members only" page restrictions name; who is in it follows memberships
    # (shop.views.memberships.members_only_gate). It carries no permissions.
    apps.get_model("auth", "Group").objects.get_or_create(name="Members")


class Migration(migrations.Migration):
    dependencies = [("shop", "0009_memberships"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_members_group, migrations.RunPython.noop)]
