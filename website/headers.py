"""Response handling Django's own middleware leaves out: Permissions-Policy, preview framing,
and compression of text only."""

from csp.constants import SELF
from django.middleware.gzip import GZipMiddleware

# Browser features no page of ours uses are switched off for the page and anything it frames.
# Geolocation: "Use my location" on Find a Trainer; payment: Stripe's card and wallet frames.
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "camera=()",
        "geolocation=(self)",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        'payment=(self "https://js.stripe.com")',
        "usb=()",
    ]
)


class SiteHeadersMiddleware:
    """Permissions-Policy on every response; same-origin framing for Wagtail's previews only.

    Wagtail renders a preview (the editor's live preview panel, "view draft", a revision, a
    workflow task's preview) by passing a dummy request for the page's own URL through the
    whole middleware stack, flagged `is_dummy`. Only such responses may be framed, and only
    by our own origin (the admin's preview panel is an iframe); every other page keeps
    X-Frame-Options: DENY and frame-ancestors 'none'. It must sit below CSPMiddleware and
    XFrameOptionsMiddleware, so that they see its choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if getattr(request, "is_dummy", False):
            response["X-Frame-Options"] = "SAMEORIGIN"
            response._csp_replace = {
                **getattr(response, "_csp_replace", {}),
                "frame-ancestors": [SELF],
            }
        return response


# What is worth compressing: markup and data. Images, video and documents are compressed already
# (or streamed in ranges), and static files come pre-compressed from WhiteNoise.
COMPRESSIBLE_TYPES = (
    "text/html",
    "text/plain",
    "text/xml",
    "text/css",
    "application/json",
    "application/ld+json",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/javascript",
)


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH mitigation) for text responses only."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in COMPRESSIBLE_TYPES:
            return response
        return super().process_response(request, response)
