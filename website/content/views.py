from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from website.absolute_urls import absolute_url
from website.content import selectors

RESULTS_PER_PAGE = 10


@require_GET
def search(request):
    """Site search that forgives typos; an empty or unusable query shows the ways into the
    content instead."""
    query = selectors.clean_query(request.GET.get("q", ""))
    results, found = None, None
    if query:
        found = selectors.site_search(query=query)
        results = Paginator(found.results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "query": query,
        "results": results,
        "found": found,
        "category_links": selectors.category_links(),
        "latest_episodes": [] if query else selectors.live_episodes()[:3],
    }
    return render(request, "content/search.html", context)


@require_GET
def robots_txt(request):
    sitemap_url = absolute_url(reverse("sitemap"))
    return render(
        request, "content/robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain"
    )
