"""Listing columns shared by the store's admin views, and the base of its model viewsets."""

from wagtail.admin.forms.models import formfield_for_dbfield
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet

from shop.templatetags.money import money


class MoneyColumn(Column):
    """A column of cents shown as money in the site currency (the `money` template filter)."""

    def get_value(self, instance):
        cents = super().get_value(instance)
        return "" if cents is None else money(cents)


class YesNoColumn(BooleanColumn):
    """A boolean as an icon and the word beside it: ✓ Yes / ✗ No."""

    cell_template_name = "shop/admin/yes_no_cell.html"


class ShopModelViewSet(ModelViewSet):
    """A store model in the admin: its forms are built as Wagtail builds page forms, so money
    fields (`…_cents`) are typed in the site currency (`shop.forms.MoneyField`)."""

    copy_view_enabled = False

    def formfield_for_dbfield(self, db_field, **kwargs):
        return formfield_for_dbfield(db_field, **kwargs)
