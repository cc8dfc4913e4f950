"""The one way to build an absolute link to this site: e-mails, feeds, sitemap, JSON-LD.

Every absolute URL starts with `settings.SITE_URL`, never with the host a request happened
to arrive on: a link in an e-mail or a feed outlives the request, and behind a proxy the
request's host may be an internal name.
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path_or_url: str) -> str:
    """`/a/b/?c` → `<SITE_URL>/a/b/?c`; a URL that already has a host (S3 media) is unchanged."""
    if urlsplit(path_or_url).netloc:
        return path_or_url
    return settings.SITE_URL.rstrip("/") + "/" + path_or_url.lstrip("/")
