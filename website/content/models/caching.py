from django.db import models


class ContentGeneration(models.Model):
    """A single counter, bumped whenever published content changes.

    Cached pages are keyed by it, so one bump retires every cached page at once — index and
    category pages included. It lives in the database rather than the cache because the
    one-machine deployment runs several gunicorn workers on a per-process memory cache.
    """

    value = models.PositiveBigIntegerField(default=1)

    class Meta:
        verbose_name = "content generation"

    def __str__(self) -> str:
        return f"content generation {self.value}"


class CachedPageMixin:
    """Marks a page's public rendering as shareable, for `PageCacheMiddleware` to store.

    Only `serve` is marked (previews go through another view), and never for a page under
    a view restriction: the middleware answers before Wagtail's privacy check runs.
    """

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        response.is_shareable_page = not self.get_view_restrictions().exists()
        return response
