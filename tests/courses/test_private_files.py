"""Paid lesson files live in private storage and reach people only through the checked view."""

import importlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from wagtail.documents import get_document_model

from tests.content.factories import ImageFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
VIDEO = bytes(range(256)) * 4  # 1,024 bytes that tell every offset apart


@pytest.fixture
def lesson_video(paid_lesson):
    video = get_document_model()(title="Lesson video")
    video.file.save("lesson.mp4", ContentFile(VIDEO))
    paid_lesson.video = [("video", {"title": "Lesson", "file": video})]
    paid_lesson.save_revision().publish()
    return video


def test_a_lessons_file_is_stored_outside_public_media_with_no_public_url(settings, lesson_video):
    name = lesson_video.file.name
    assert not (settings.MEDIA_ROOT / name).exists()
    assert storages["private"].exists(name)
    with pytest.raises(NotImplementedError):
        default_storage.url(name)
    assert lesson_video.url == f"/documents/{lesson_video.pk}/lesson.mp4"


def test_images_stay_in_public_media(settings, db):
    image = ImageFactory()
    assert (settings.MEDIA_ROOT / image.file.name).exists()
    assert default_storage.url(image.file.name).startswith("/media/")


def test_an_enrolled_user_seeks_in_a_lesson_video_with_a_range_request(
    client, enrolled_user, lesson_video
):
    client.force_login(enrolled_user)
    response = client.get(lesson_video.url, HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 100-199/1024"
    assert response["Content-Length"] == "100"
    assert b"".join(response.streaming_content) == VIDEO[100:200]


def test_open_ended_and_suffix_ranges_are_answered(client, enrolled_user, lesson_video):
    client.force_login(enrolled_user)
    tail = client.get(lesson_video.url, HTTP_RANGE="bytes=1000-")
    assert tail["Content-Range"] == "bytes 1000-1023/1024"
    assert b"".join(tail.streaming_content) == VIDEO[1000:]
    last = client.get(lesson_video.url, HTTP_RANGE="bytes=-24")
    assert b"".join(last.streaming_content) == VIDEO[-24:]


def test_a_range_past_the_end_is_416(client, enrolled_user, lesson_video):
    client.force_login(enrolled_user)
    response = client.get(lesson_video.url, HTTP_RANGE="bytes=5000-6000")
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */1024"


def test_without_a_range_the_whole_file_comes_saying_ranges_are_accepted(
    client, enrolled_user, lesson_video
):
    client.force_login(enrolled_user)
    response = client.get(lesson_video.url)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert b"".join(response.streaming_content) == VIDEO
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]


def test_a_cached_copy_is_revalidated_against_the_files_hash(client, enrolled_user, lesson_video):
    client.force_login(enrolled_user)
    etag = client.get(lesson_video.url)["ETag"]
    assert client.get(lesson_video.url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_range_request_from_someone_without_the_course_is_refused(client, lesson_video):
    assert client.get(lesson_video.url, HTTP_RANGE="bytes=0-99").status_code == 403
    client.force_login(UserFactory())
    assert client.get(lesson_video.url, HTTP_RANGE="bytes=0-99").status_code == 403


def test_a_wrong_filename_is_404(client, enrolled_user, lesson_video):
    client.force_login(enrolled_user)
    assert client.get(f"/documents/{lesson_video.pk}/other.mp4").status_code == 404


@pytest.fixture
def s3_private(settings):
    pytest.importorskip("storages.backends.s3")
    settings.AWS_ACCESS_KEY_ID = "AKIAEXAMPLE"
    settings.AWS_SECRET_ACCESS_KEY = "example-secret"  # signing happens offline
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "coachhouse-private",
                "querystring_auth": True,
                "querystring_expire": 60,
                "signature_version": "s3v4",
                "custom_domain": None,
            },
        },
    }


def test_on_s3_an_enrolled_user_is_redirected_to_a_presigned_url_that_expires_in_a_minute(
    client, enrolled_user, lesson_video, s3_private
):
    client.force_login(enrolled_user)
    response = client.get(lesson_video.url)
    assert response.status_code == 302
    location = response["Location"]
    assert "coachhouse-private" in location and "documents/lesson" in location
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=60" in location
    assert "private" in response["Cache-Control"]


def test_on_s3_nobody_without_the_course_gets_a_signed_url(client, lesson_video, s3_private):
    response = client.get(lesson_video.url)
    assert response.status_code == 403
    assert "Location" not in response


def test_the_migration_moves_files_left_in_public_media_into_private_storage(settings, db):
    document = get_document_model().objects.create(title="Old upload", file="documents/old.pdf")
    storages["public"].save("documents/old.pdf", ContentFile(b"%PDF old"))
    migration = importlib.import_module("courses.migrations.0003_documents_in_private_storage")
    from django.apps import apps

    migration.move_to_private(apps, None)
    migration.move_to_private(apps, None)  # again: nothing left to do, nothing breaks
    assert not (settings.MEDIA_ROOT / "documents/old.pdf").exists()
    with storages["private"].open(document.file.name) as moved:
        assert moved.read() == b"%PDF old"
