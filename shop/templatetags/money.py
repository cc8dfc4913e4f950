from django import template
from django.conf import settings

from shop.money import format_money

register = template.Library()


@register.filter
def money(cents) -> str:
    """`{{ order.total_cents|money }}` → "$49.00" in settings.SITE_CURRENCY."""
    return format_money(int(cents or 0), settings.SITE_CURRENCY)


@register.filter
def money_short(cents) -> str:
    """Whole amounts without cents, as headlines say them: "$100"; else as `money`."""
    return money(cents).replace(".00", "", 1) if int(cents or 0) % 100 == 0 else money(cents)
