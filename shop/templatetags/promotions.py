"""The promotion banner and "earns a gift card" notes: the same HTML for every visitor."""

from django import template

from shop.selectors import promotion_banner, promotion_for_course

register = template.Library()


@register.inclusion_tag("components/promotion_banner.html")
def promotion_banner_bar():
    return {"promotion": promotion_banner()}


@register.simple_tag
def course_promotion(course):
    """The running promotion this course earns a reward in, or None."""
    return promotion_for_course(course=course)
