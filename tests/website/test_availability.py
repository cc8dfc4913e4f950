import pytest
from django.db.utils import OperationalError
from django.urls import path

from website.urls import handler500  # noqa: F401 - the handler under test
from website.urls import urlpatterns as site_urlpatterns


def needs_database(request):
    raise OperationalError("could not connect to server: Connection refused")


def has_a_bug(request):
    raise ZeroDivisionError("secret internals")


# The site's own URLs and error handlers, plus two views that fail.
urlpatterns = [
    path("needs-database/", needs_database),
    path("has-a-bug/", has_a_bug),
    *site_urlpatterns,
]


@pytest.mark.urls("tests.website.test_availability")
def test_a_lost_database_answers_503_with_retry_after_and_a_styled_page(client, db):
    client.raise_request_exception = False
    response = client.get("/needs-database/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "We’ll be back in a moment" in body
    assert "Connection refused" not in body


@pytest.mark.urls("tests.website.test_availability")
def test_any_other_error_still_answers_the_styled_500_page(client, db):
    client.raise_request_exception = False
    response = client.get("/has-a-bug/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "secret internals" not in response.content.decode()


def test_pages_still_serve_when_the_redis_cache_is_unreachable(client, home_page, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    assert client.get("/").status_code == 200
    assert client.get("/healthz").status_code == 503
