"""Public media served by the app itself (website/media.py) when MEDIA_STORAGE=local."""

import pytest

from tests.content.factories import DocumentFactory, ImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


@pytest.fixture
def rendition_url():
    return ImageFactory().get_rendition("fill-320x180").url


def test_an_image_rendition_is_served_with_caching_headers_under_debug_off(client, rendition_url):
    response = client.get(rendition_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert "max-age=86400" in response["Cache-Control"]
    assert response["ETag"]
    assert response["Accept-Ranges"] == "bytes"


def test_a_range_request_gets_206_with_only_the_bytes_asked_for(client, rendition_url):
    whole = b"".join(client.get(rendition_url).streaming_content)
    response = client.get(rendition_url, HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-19/{len(whole)}"
    assert b"".join(response.streaming_content) == whole[10:20]


def test_a_conditional_request_for_an_unchanged_file_gets_304(client, rendition_url):
    etag = client.get(rendition_url)["ETag"]
    assert client.get(rendition_url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_an_original_image_is_served_too(client):
    image = ImageFactory()
    assert client.get(image.file.url).status_code == 200


def test_document_files_are_never_served_from_media_only_through_the_document_view(client):
    document = DocumentFactory()
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018 - private storage gives no public URL at all
    name = document.file.name.split("/")[-1]
    assert client.get(f"/media/documents/{name}").status_code == 404
    assert client.get(document.url).status_code == 200


def test_a_path_that_climbs_out_of_the_image_folders_is_not_served(client, rendition_url):
    document = DocumentFactory()
    name = document.file.name.split("/")[-1]
    assert client.get(f"/media/images/../documents/{name}").status_code in {301, 404}
    assert client.get(f"/media/images/%2e%2e/documents/{name}").status_code == 404


def test_with_media_on_s3_the_app_serves_no_media(client, settings, rendition_url):
    settings.MEDIA_STORAGE = "s3"
    assert client.get(rendition_url).status_code == 404
