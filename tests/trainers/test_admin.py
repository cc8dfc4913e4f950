"""Editors manage trainers, certifications and inquiries in the Wagtail admin."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from trainers.models import Inquiry, Trainer
from trainers.wagtail_hooks import TrainerViewSet

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


def test_editor_imports_a_csv_in_the_admin(admin_client, directory):
    upload = SimpleUploadedFile("trainers.csv", IMPORT_CSV, content_type="text/csv")
    response = admin_client.post("/admin/trainer_import/", {"file": upload}, follow=True)
    assert "1 created, 0 updated, 0 unchanged" in response.content.decode()
    assert Trainer.objects.get(external_id="x-1").latitude is not None


def test_admin_import_of_a_bad_file_lists_the_problems_and_imports_nothing(admin_client, directory):
    bad = IMPORT_CSV + b"x-2,,bad,Chicago,IL,,US\n"
    upload = SimpleUploadedFile("trainers.csv", bad, content_type="text/csv")
    html = admin_client.post("/admin/trainer_import/", {"file": upload}).content.decode()
    assert "Line 3: name must not be empty." in html
    assert Trainer.objects.count() == 0


def test_admin_import_needs_permission_to_add_trainers(client, user, directory):
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get("/admin/trainer_import/")
    assert response.status_code in (302, 403)
