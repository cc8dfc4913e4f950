"""Response handling Django's own middleware leaves out: Permissions-Policy, preview framing,
and compression of text only."""

from dataclasses import asdict

from csp.constants import HEADER, HEADER_REPORT_ONLY, SELF
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
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


class CachedPolicyCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, building each distinct policy once per process, not per response.

    A policy depends only on the settings and on what a view set on its response
    (`csp_update`, `csp_replace`, `csp_exempt`, a preview's frame-ancestors), so the built
    header is memoized on exactly those; a request that used a nonce is built afresh, as its
    nonce is its own. Building both policies was a third of a cached page's time (issue #16).
    Everything else is django-csp's `process_response` as it is (same checks, same order).
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self._policies: dict[str, str] = {}

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None:
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for header, report_only, setting in (
            (HEADER, False, "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, True, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            exempt = getattr(response, "_csp_exempt_ro" if report_only else "_csp_exempt", False)
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if header in response or exempt is not False:
                continue
            if request.path_info.startswith(tuple(prefixes)):
                continue
            parts = self.get_policy_parts(request, response, report_only=report_only)
            key = repr((report_only, parts.config, parts.update, parts.replace))
            policy = self._policies.get(key)
            if policy is None:
                policy = self._policies[key] = build_policy(
                    **asdict(parts), report_only=report_only
                )
            if policy:
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
