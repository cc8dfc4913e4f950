import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from website.absolute_urls import absolute_url
from website.content.models.seo import breadcrumb_list
from website.content.selectors import search_result_label, trust_links

register = template.Library()

# The same escapes as Django's json_script: nothing in the data can close the script element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data) -> str:
    """Structured data as a `<script type="application/ld+json">` data block (not executed)."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.filter
def result_label(page) -> str:
    """A search result's kind as readers say it: "Episode 403", "Article", "Course"."""
    return search_result_label(page)


@register.simple_tag(takes_context=True)
def trust_page_links(context):
    """The footer's and checkout's links to the trust pages (`TrustLinks`)."""
    return trust_links(request=context["request"])


@register.inclusion_tag("content/includes/seo_head.html", takes_context=True)
def view_seo_head(context, *, title: str, description: str = "") -> dict:
    """The SEO head for a page that is a plain Django view, not a Wagtail page."""
    request = context["request"]
    canonical = absolute_url(request.path)
    breadcrumbs = [("Home", absolute_url("/")), (title, canonical)]
    return {
        "canonical_url": canonical,
        "og_title": title,
        "og_description": description,
        "structured_data": [breadcrumb_list(breadcrumbs)],
    }
