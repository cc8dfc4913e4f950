import pytest
from django.urls import path


def explode(request):
    raise RuntimeError("database password is hunter2")


urlpatterns = [path("explode/", explode)]


def test_unknown_url_gets_the_styled_404_page(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We can’t find that page" in body
    assert 'aria-label="Main"' in body


@pytest.mark.urls("tests.website.test_errors")
def test_server_error_gets_the_styled_500_page_that_leaks_nothing(client, db):
    client.raise_request_exception = False
    response = client.get("/explode/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "hunter2" not in body
    assert "Traceback" not in body
