from django import template
from django.conf import settings

from shop.money import format_money, format_money_short

register = template.Library()


@register.filter
def money(cents) -> str:
    """`{{ order.total_cents|money }}` → "$49.00" in settings.SITE_CURRENCY."""
    return format_money(int(cents or 0), settings.SITE_CURRENCY)


@register.filter
def money_short(cents) -> str:
    """Whole amounts without cents, as headlines say them: "$100"; else as `money`."""
    return format_money_short(int(cents or 0), settings.SITE_CURRENCY)
