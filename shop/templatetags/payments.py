from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("components/test_payments_banner.html")
def test_payments_banner() -> dict:
    """The warning on every page of a deployment that opted into test payments (PAYMENTS=test)."""
    return {"shown": settings.PAYMENTS == "test"}
