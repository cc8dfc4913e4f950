"""The admin upload runs the importers as background jobs."""

import io
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.models import CoursePage
from website.content.models import EpisodePage
from website.importers.models import ImportedItem
from website.jobs.models import Job

from .conftest import FIXTURES


@pytest.fixture
def admin_client(client, user):
    user.is_superuser = user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_uploads(export_name: str) -> bytes:
    files = {export_name: (FIXTURES / export_name).read_bytes()}
    for path in (FIXTURES / "uploads").rglob("*"):
        if path.is_file():
            relative = path.relative_to(FIXTURES).as_posix()
            files[f"site/wp-content/{relative}"] = path.read_bytes()
    return _zip(files)


def _upload(client, url, name, data, **fields):
    return client.post(url, {"file": SimpleUploadedFile(name, data), **fields})


def test_a_wordpress_zip_with_uploads_imports_in_the_background_and_reports_each_item(
    admin_client, home_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(
            admin_client, "/admin/wordpress_import/", "site.zip", _with_uploads("export.xml")
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/jobs/{job.pk}/"
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.message == "17 created, 0 updated, 0 unchanged, 3 skipped, 10 warnings."
    assert ["101", "episode", "Backward Walking for Back Pain – Episode 403", "created", ""] in (
        job.report["entries"]
    )
    assert EpisodePage.objects.get(number=403).video[0].value["poster"] is not None
    html = admin_client.get(response["Location"]).content.decode()
    assert "<td><code>13</code></td><td>attachment</td><td>Seminar group photo</td>" in html
    assert "file 2019/05/seminar-group.jpg not found" in html


def test_an_admin_dry_run_writes_nothing_and_shows_what_it_would_do(
    admin_client, home_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(
            admin_client,
            "/admin/woocommerce_import/",
            "products.csv",
            (FIXTURES / "products.csv").read_bytes(),
            dry_run="on",
        )
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED
    assert job.message.startswith("Dry run, nothing written: 3 created")
    assert not CoursePage.objects.exists() and not ImportedItem.objects.exists()


@pytest.mark.parametrize(
    ("url", "name", "data", "says"),
    [
        ("/admin/wordpress_import/", "export.docx", b"PK", "Upload a .xml export or a .zip"),
        ("/admin/wordpress_import/", "export.xml", b"<rss><channel>", "not well-formed XML"),
        ("/admin/woocommerce_import/", "products.csv", b"Name\nA\n", "Missing columns"),
        ("/admin/wordpress_import/", "site.zip", b"not a zip", "not a readable .zip"),
        (
            "/admin/wordpress_import/",
            "site.zip",
            _zip({"../../evil.xml": b"<rss/>"}),
            "unsafe path",
        ),
        (
            "/admin/wordpress_import/",
            "site.zip",
            _zip({"uploads/a.jpg": b"x"}),
            "exactly one .xml export",
        ),
    ],
)
def test_the_upload_refuses_a_bad_file_at_once_and_starts_nothing(
    admin_client, home_page, url, name, data, says
):
    response = _upload(admin_client, url, name, data)
    assert response.status_code == 200
    assert says in response.content.decode().replace("&#x27;", "'")
    assert not Job.objects.exists()


def test_only_users_allowed_to_import_see_the_upload(client, user, home_page):
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get("/admin/wordpress_import/")
    assert response.status_code in (302, 403)
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200 and "Import WordPress" not in dashboard.content.decode()
    user.user_permissions.add(Permission.objects.get(codename="run_import"))
    user = type(user).objects.get(pk=user.pk)
    client.force_login(user)
    assert client.get("/admin/wordpress_import/").status_code == 200
    assert "Import WordPress" in client.get("/admin/").content.decode()


def test_an_export_uploaded_without_its_uploads_names_the_zip_not_only_the_command_option(
    admin_client, home_page, django_capture_on_commit_callbacks
):
    # The admin has no --uploads option: the skipped attachment must say how to give the files.
    with django_capture_on_commit_callbacks(execute=True):
        _upload(
            admin_client,
            "/admin/wordpress_import/",
            "export.xml",
            (FIXTURES / "export.xml").read_bytes(),
        )
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED, job.message
    reasons = {entry[0]: entry[4] for entry in job.report["entries"]}
    assert reasons["10"] == (
        "file 2019/05/backward-walking.jpg not given: no uploads folder "
        "(--uploads, or a .zip holding wp-content/uploads)"
    )
