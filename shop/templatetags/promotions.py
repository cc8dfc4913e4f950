"""The promotion banner and "earns a gift card" notes: the same HTML for every visitor."""

from django import template

from shop.selectors import promotion_banner, promotion_for_course, promotions_next_change
from website.content.page_cache import page_cache_expires_by

register = template.Library()


@register.inclusion_tag("components/promotion_banner.html", takes_context=True)
def promotion_banner_bar(context):
    """The banner on every page (base.html). A cached page showing it (or a course's "earns a
    gift card" note, which follows the same windows) must not outlive a promotion's start or end."""
    request = context.get("request")
    if request is not None:
        page_cache_expires_by(request, promotions_next_change())
    return {"promotion": promotion_banner()}


@register.simple_tag
def course_promotion(course):
    """The running promotion this course earns a reward in, or None."""
    return promotion_for_course(course=course)
