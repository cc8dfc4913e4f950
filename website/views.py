import logging
import sys

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger("coachhouse.health")

RETRY_AFTER_SECONDS = 30


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: database unreachable")
        return False


def _cache_ok() -> bool:
    try:
        cache.set("healthz", "ok", timeout=5)
        return cache.get("healthz") == "ok"
    except Exception:
        logger.exception("health check: cache unreachable")
        return False


@require_GET
@never_cache
def healthz(request):
    """200 when the database and the cache both answer, 503 naming the one that does not."""
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        **{k: "ok" if v else "down" for k, v in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


def server_error(request):
    """The 500 handler, which tells an unreachable database (503) from a bug (500).

    A lost database is an outage, not a bug: the visitor gets a styled "back soon" page, load
    balancers and Stripe's webhook retries see a 5xx they retry, and the next request
    reconnects by itself (CONN_HEALTH_CHECKS). Neither page shows anything of the error.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        logger.error("database unavailable: %s", exception)
        response = TemplateResponse(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = TemplateResponse(request, "500.html", status=500)
    return response.render()
