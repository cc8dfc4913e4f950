# Joins the two 0005 migrations of the issue-12 branches; the lead may re-chain them instead.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0005_coupon_reservations"),
        ("shop", "0005_pending_rewards"),
    ]

    operations = []
