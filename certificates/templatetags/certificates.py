from django import template

from certificates.selectors import course_certificate as _course_certificate

register = template.Library()


@register.simple_tag(takes_context=True)
def course_certificate(context, course):
    """The signed-in owner's certificate for `course` (or whether they may claim it)."""
    return _course_certificate(user=context["request"].user, course=course)
