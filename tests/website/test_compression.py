"""Text responses are compressed; conditional GETs of unchanged pages and feeds answer 304."""

import gzip

import pytest

from tests.content.factories import EpisodePageFactory, ImageFactory
from tests.trainers.factories import TrainerFactory

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def episode(home_page):
    from trainers.demo import directory_page
    from website.content import demo

    directory_page()
    TrainerFactory.create_batch(3)
    return EpisodePageFactory(parent=demo.episode_index())


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html"),
        ("/sitemap.xml", "application/xml"),
        ("/episodes/feed/", "application/rss+xml"),
        ("/trainers/api/search?q=60601", "application/json"),
    ],
)
def test_html_xml_and_json_are_gzipped_for_clients_that_accept_it(
    client, episode, path, content_type
):
    response = client.get(path, **GZIP)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert gzip.decompress(body)


def test_a_client_that_does_not_accept_gzip_gets_plain_html(client, home_page):
    response = client.get("/")
    assert not response.has_header("Content-Encoding")
    assert b"<html" in response.content


def test_images_are_not_compressed_again(client, home_page):
    url = ImageFactory().get_rendition("fill-320x180").url
    response = client.get(url, **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


@pytest.mark.parametrize("path", ["/", "/episodes/feed/", "/sitemap.xml"])
def test_a_conditional_get_of_an_unchanged_response_answers_304(client, episode, path):
    first = client.get(path, **GZIP)
    assert first["ETag"]
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"], **GZIP)
    assert again.status_code == 304
    assert again.content == b""


def test_a_conditional_get_after_a_change_gets_the_new_page(client, episode):
    etag = client.get(episode.url, **GZIP)["ETag"]
    episode.title = "A new title"
    episode.save_revision().publish()
    response = client.get(episode.url, HTTP_IF_NONE_MATCH=etag, **GZIP)
    assert response.status_code == 200
    assert "A new title" in gzip.decompress(response.content).decode()
