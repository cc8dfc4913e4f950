from django.db import models
from wagtail.models import PageViewRestriction

from website.content import selectors


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


class KnownRestrictionsMixin:
    """`get_view_restrictions` from the site's restricted subtrees, memoized per generation.

    Wagtail asks it before serving (two queries: the ancestors, then their restrictions);
    here it costs none for a page outside every restricted subtree, and one (the matching
    restrictions themselves, whose `accept_request` then decides) inside one. Aliases, whose
    restrictions are their source's, are left to Wagtail.
    """

    def get_view_restrictions(self):
        known = selectors.view_restrictions()
        if not self.pk or self.alias_of_id or any(self.path.startswith(p) for p in known.aliases):
            return super().get_view_restrictions()
        ids = [pk for pk, path in known.restricted if self.path.startswith(path)]
        if not ids:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(pk__in=ids)


class CachedPageMixin(KnownRestrictionsMixin):
    """Marks a page's public rendering as shareable, for `PageCacheMiddleware` to store.

    Only `serve` is marked (previews go through another view), and never for a page under
    a view restriction: the middleware answers before Wagtail's privacy check runs.
    """

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        response.is_shareable_page = not self.get_view_restrictions()
        return response
