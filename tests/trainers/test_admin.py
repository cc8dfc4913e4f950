"""Editors manage trainers, certifications and inquiries in the Wagtail admin."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from trainers.models import Inquiry, Trainer
from trainers.wagtail_hooks import TrainerViewSet
from website.jobs.models import Job

from .factories import TrainerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, user):
    user.is_superuser = user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def _form(**overrides):
    data = {
        "name": "New Coach",
        "slug": "new-coach",
        "email": "new@private.example",
        "city": "Chicago",
        "region": "IL",
        "postal_code": "60601",
        "country": "US",
        "latitude": "",
        "longitude": "",
        "specialties": "",
        "is_published": "on",
        **overrides,
    }
    form_class = TrainerViewSet("trainer").get_form_class()
    return form_class(data=data, instance=Trainer())


def test_admin_form_fills_coordinates_from_the_zip_code(directory):
    form = _form()
    assert form.is_valid(), form.errors
    trainer = form.save()
    assert trainer.latitude == pytest.approx(41.886, abs=0.01)
    assert trainer.longitude == pytest.approx(-87.618, abs=0.01)


def test_admin_form_keeps_coordinates_the_editor_gave(directory):
    form = _form(latitude="41.5", longitude="-88.0")
    assert form.is_valid(), form.errors
    assert (form.save().latitude, form.instance.longitude) == (41.5, -88.0)


def test_admin_form_with_an_unknown_place_is_a_clear_error_and_saves_nothing(directory):
    form = _form(city="Qqxqzzv", postal_code="", region="")
    assert not form.is_valid()
    assert "We couldn't find this address's location" in form.errors["city"][0]
    assert Trainer.objects.count() == 0


def test_admin_form_relocates_a_trainer_whose_address_changed(directory):
    trainer = TrainerFactory(city="Chicago", postal_code="60601")
    form_class = TrainerViewSet("trainer").get_form_class()
    data = {
        "name": trainer.name,
        "slug": trainer.slug,
        "email": trainer.email,
        "city": "Denver",
        "region": "CO",
        "postal_code": "80202",
        "country": "US",
        "latitude": str(trainer.latitude),
        "longitude": str(trainer.longitude),
        "specialties": "",
        "is_published": "on",
    }
    form = form_class(data=data, instance=trainer)
    assert form.is_valid(), form.errors
    assert form.save().latitude == pytest.approx(39.75, abs=0.05)


def test_admin_form_refuses_only_one_coordinate(directory):
    assert not _form(latitude="41.5").is_valid()


def test_editors_see_trainers_and_inquiries_in_the_admin(admin_client, directory):
    trainer = TrainerFactory(name="Listed Coach")
    Inquiry.objects.create(trainer=trainer, name="Pat", email="pat@example.com", message="Hello")
    assert "Listed Coach" in admin_client.get("/admin/trainer/").content.decode()
    assert "pat@example.com" in admin_client.get("/admin/inquiry/").content.decode()
    assert admin_client.get("/admin/trainer/new/").status_code == 200
    assert admin_client.get("/admin/certification/").status_code == 200


def test_editors_group_may_manage_trainers_and_read_inquiries(db):
    editors = Group.objects.get(name="Editors")
    codenames = set(
        editors.permissions.filter(content_type__app_label="trainers").values_list(
            "codename", flat=True
        )
    )
    assert {"add_trainer", "change_trainer", "change_certification", "view_inquiry"} <= codenames
    assert "change_inquiry" not in codenames


IMPORT_CSV = (
    b"external_id,name,email,city,region,postal_code,country\n"
    b"x-1,Upload Coach,up@private.example,Chicago,IL,60601,US\n"
)


def _upload(client, data: bytes, name: str = "trainers.csv", **extra):
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post("/admin/trainer_import/", {"file": upload}, **extra)


def test_admin_import_runs_as_a_job_and_reports_each_row_by_line(
    admin_client, directory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(admin_client, IMPORT_CSV)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/jobs/{job.pk}/"
    assert job.kind == "trainer_import" and job.status == Job.Status.SUCCEEDED
    assert job.report["rows"] == [[2, "created", "x-1", "Upload Coach"]]
    html = admin_client.get(response["Location"]).content.decode()
    assert "Trainers imported: 1 created, 0 updated, 0 unchanged." in html
    assert "<td>2</td><td>created</td><td><code>x-1</code></td><td>Upload Coach</td>" in html
    assert Trainer.objects.get(external_id="x-1").latitude is not None
    # The upload page lists the run, with a link to its page.
    assert (
        f'href="/admin/jobs/{job.pk}/"'
        in admin_client.get("/admin/trainer_import/").content.decode()
    )


def test_admin_import_runs_after_the_request_has_answered(admin_client, directory):
    # No commit in a rollback test, so nothing runs: the request only queued the job.
    response = _upload(admin_client, IMPORT_CSV)
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.PENDING and Trainer.objects.count() == 0
    html = admin_client.get(job.get_absolute_url()).content.decode()
    assert "<progress" in html and "db_worker" in html


def test_a_second_admin_import_while_one_is_queued_is_refused_with_a_link(admin_client, directory):
    _upload(admin_client, IMPORT_CSV)
    job = Job.objects.get()
    response = _upload(admin_client, IMPORT_CSV)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Import trainers #{job.pk} is still waiting for a worker" in html
    assert f'<a href="/admin/jobs/{job.pk}/">See its progress</a>' in html
    assert Job.objects.count() == 1


def test_admin_import_of_a_bad_file_reports_the_problems_by_line_and_imports_nothing(
    admin_client, directory, django_capture_on_commit_callbacks
):
    bad = IMPORT_CSV + b"x-2,,bad,Chicago,IL,,US\n" + b"x-3,Cy,cy@private.example,Qqxqzzv,,,US\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(admin_client, bad)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.report["errors"][0] == [3, "name must not be empty."]
    assert job.report["errors"][1][0] == 4
    html = admin_client.get(response["Location"]).content.decode()
    assert "2 problem(s) found; nothing was imported." in html
    assert "<td>3</td><td>name must not be empty.</td>" in html
    assert "<td>4</td><td>couldn&#x27;t locate &#x27;Qqxqzzv&#x27;" in html
    assert Trainer.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("trainers.xlsx", b"PK\x03\x04binary", "Upload a .csv file"),
        ("trainers.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "This is not a CSV file"),
        ("trainers.csv", "name;city\nAna;Köln\n".encode("latin-1"), "not UTF-8 text"),
        (
            "trainers.csv",
            b"external_id,name,city\nx-1,Ana,Chicago\n",
            "Missing column(s): email, country.",
        ),
        (
            "trainers.csv",
            b"external_id,name,email,city,country\n",
            "has a header row but no trainers",
        ),
        ("trainers.csv", b"", "The submitted file is empty."),
    ],
)
def test_admin_import_refuses_a_file_that_is_not_a_trainer_csv_with_a_message(
    admin_client, directory, name, data, says
):
    response = _upload(admin_client, data, name=name)
    assert response.status_code == 200
    assert says in response.content.decode()
    assert Job.objects.count() == 0 and Trainer.objects.count() == 0


def test_admin_import_refuses_a_huge_file_with_a_message(admin_client, directory, monkeypatch):
    monkeypatch.setattr("trainers.forms.TrainerImportForm.max_bytes", 1024)
    response = _upload(admin_client, IMPORT_CSV + b"x" * 2048)
    assert "the limit is 1.0\xa0KB. Split it into smaller files." in response.content.decode()
    assert Job.objects.count() == 0


def test_admin_import_needs_permission_to_add_trainers(client, user, directory):
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get("/admin/trainer_import/")
    assert response.status_code in (302, 403)
