"""Course template tags: lesson durations, star ratings, and the visitor's owned courses."""

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html

from courses.exceptions import SITE_DATETIME_FORMAT
from courses.models import BEST_RATING
from courses.selectors import Progress, owned_course_progress
from website.content.page_cache import rendering_varies_by_visitor

register = template.Library()


@register.filter
def clock_duration(seconds: int) -> str:
    """6:05 for 365 seconds, 1:02:03 past an hour: how course outlines show a lesson."""
    minutes, seconds = divmod(int(seconds or 0), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


@register.filter
def iso_duration(seconds: int) -> str:
    """An ISO 8601 duration (PT6M5S) for `<time datetime>`; PT0S for nothing."""
    minutes, seconds = divmod(int(seconds or 0), 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours}H" if hours else "", f"{minutes}M" if minutes else ""]
    parts.append(f"{seconds}S" if seconds or not (hours or minutes) else "")
    return "PT" + "".join(parts)


@register.filter
def total_duration(seconds: int) -> str:
    """A course's length in words, to the minute: "47 min", "1 h 12 min", "2 h"."""
    minutes = round(int(seconds or 0) / 60)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


@register.filter
def stars(rating: int) -> str:
    """★★★★☆ for 4: the picture of a rating (screen readers get the words beside it)."""
    rating = max(0, min(BEST_RATING, int(rating or 0)))
    return "★" * rating + "☆" * (BEST_RATING - rating)


@register.simple_tag(takes_context=True)
def owned_course(context, course) -> Progress | None:
    """The signed-in visitor's progress in `course` when they own it, else None.

    `{% owned_course course as owned %}` on any card or page: it is read once per request
    and never for anonymous visitors, whose renderings are the cached ones.
    """
    request = context.get("request")
    if request is None or course is None:
        return None
    rendering_varies_by_visitor(request, course_id=course.pk)
    return owned_course_progress(request=request, course=course)


@register.simple_tag
def local_time(moment) -> str:
    """`<time>` for a moment: written by the server in the site's time zone, rewritten by
    static/js/local-time.js in the visitor's own (pages carrying it load that script)."""
    if not moment:
        return ""
    return format_html(
        '<time datetime="{}" data-local-time>{}</time>',
        moment.isoformat(timespec="seconds"),
        dateformat.format(timezone.localtime(moment), SITE_DATETIME_FORMAT),
    )
