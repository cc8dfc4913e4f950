"""Public media served by the app itself, when uploads live on this machine (MEDIA_STORAGE=local).

Only Wagtail's image files are public: the originals (`original_images/`) and their
renditions (`images/`), which pages, OpenGraph tags and JSON-LD link to. Documents are never
served from here (not even under DEBUG): they go through Wagtail's document view, where paid
lessons' files are checked on every request.

The bytes go through WhiteNoise's file responder, as static files do, so a media file answers
`Range` requests with 206 (video seeking), conditional requests with 304 (ETag and
Last-Modified) and carries `Cache-Control`. Uploads appear at run time, so each request looks
its file up on disk instead of in a list made at start-up. At scale, media belong on S3 behind
a CDN (MEDIA_STORAGE=s3), and this middleware steps aside.
"""

import os

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from whitenoise.base import WhiteNoise
from whitenoise.middleware import WhiteNoiseMiddleware

# Folders under MEDIA_ROOT that anyone may fetch.
PUBLIC_FOLDERS = ("original_images", "images")
# Renditions keep their name only while their image does; a day, then revalidated (ETag).
MAX_AGE = 60 * 60 * 24


def _accept_ranges(headers, path, url):
    # WhiteNoise answers ranges but does not say so; players probe for this header.
    headers["Accept-Ranges"] = "bytes"


class PublicMediaMiddleware(WhiteNoise):
    """Answer GET/HEAD for public media files; everything else passes on down the stack."""

    def __init__(self, get_response):
        if settings.MEDIA_STORAGE != "local":
            raise MiddlewareNotUsed
        self.get_response = get_response
        super().__init__(
            application=None,
            autorefresh=True,
            max_age=MAX_AGE,
            add_headers_function=_accept_ranges,
        )

    def __call__(self, request):
        if request.path_info.startswith(settings.MEDIA_URL):
            media_file = self.find_file(request.path_info)
            if media_file is not None:
                return WhiteNoiseMiddleware.serve(media_file, request)
        return self.get_response(request)

    def candidate_paths_for_url(self, url):
        # Read from settings on each call, so MEDIA_ROOT may differ per test or per process.
        for folder in PUBLIC_FOLDERS:
            prefix = f"{settings.MEDIA_URL}{folder}/"
            if url.startswith(prefix):
                root = os.path.join(str(settings.MEDIA_ROOT), folder, "")
                path = os.path.join(root, url[len(prefix) :])
                if self.path_is_child_of(path, root):
                    yield path
