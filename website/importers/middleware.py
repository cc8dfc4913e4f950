"""Redirects for WordPress's query-string addresses (/?p=123, /?page_id=7, /?cat=4).

Wagtail's RedirectMiddleware only looks for a redirect when the response is a 404, and
"/?p=123" is the home page (200) with a query string, so those redirects would never
answer. This middleware looks them up first, for the site root only and only when the
query names one of WordPress's id parameters: every other request costs nothing.
"""

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect

WORDPRESS_ID_PARAMETERS = {"p", "page_id", "cat", "attachment_id"}


class QueryRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and request.path in ("/", "/index.php")
            and WORDPRESS_ID_PARAMETERS & set(request.GET)
        ):
            # /index.php?p=123 is the same WordPress address as /?p=123.
            query = request.META.get("QUERY_STRING", "")
            path = Redirect.normalise_path(f"/?{query}", decode_unicode=False)
            redirect = get_redirect(request, path)
            if redirect is not None and redirect.link:
                if redirect.is_permanent:
                    return HttpResponsePermanentRedirect(redirect.link)
                return HttpResponseRedirect(redirect.link)
        return self.get_response(request)
