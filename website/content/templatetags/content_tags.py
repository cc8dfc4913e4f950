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


class GenerationCacheNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        from website.content.fragments import cached_fragment

        name = self.name.resolve(context)
        vary_on = tuple(part.resolve(context) for part in self.vary_on)
        return cached_fragment(
            context.get("request"), name, vary_on, lambda: self.nodelist.render(context)
        )


@register.tag
def generation_cache(parser, token):
    """`{% generation_cache "name" vary_on… %}…{% endgeneration_cache %}`: the enclosed HTML,
    shared per content generation (website/content/fragments.py says when it is not)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a fragment name.")
    nodelist = parser.parse(("endgeneration_cache",))
    parser.delete_first_token()
    return GenerationCacheNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
