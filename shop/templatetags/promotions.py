"""The promotion banner and "earns a gift card" notes: the same HTML for every visitor."""

from django import template
from django.utils import timezone

from shop.selectors import promotion_banner, promotion_for_course, promotions_next_change
from website.content.page_cache import generation_memo, page_cache_expires_by

register = template.Library()


@register.inclusion_tag("components/promotion_banner.html", takes_context=True)
def promotion_banner_bar(context):
    """The banner on every page (base.html). A cached page showing it (or a course's "earns a
    gift card" note, which follows the same windows) must not outlive a promotion's start or end."""
    promotion, next_change = banner_and_next_change()
    request = context.get("request")
    if request is not None:
        page_cache_expires_by(request, next_change)
    return {"promotion": promotion}


def banner_and_next_change():
    """The banner's promotion and when the running ones next change, read once per content
    generation (promotion edits retire it) until that change comes."""
    now = timezone.now()
    memo = generation_memo("promotion_banner", dict)
    if not memo or (memo["next_change"] is not None and memo["next_change"] <= now):
        memo.update(
            promotion=promotion_banner(now=now), next_change=promotions_next_change(now=now)
        )
    return memo["promotion"], memo["next_change"]


@register.simple_tag
def course_promotion(course):
    """The running promotion this course earns a reward in, or None."""
    return promotion_for_course(course=course)
