"""Listing columns shared by the store's admin views."""

from django.conf import settings
from wagtail.admin.ui.tables import Column

from shop.money import format_money


class MoneyColumn(Column):
    """A column of cents shown as money in the site currency."""

    def get_value(self, instance):
        cents = super().get_value(instance)
        return "" if cents is None else format_money(cents, settings.SITE_CURRENCY)
