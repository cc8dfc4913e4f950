"""The admin lists who holds which certification and which certificates were issued, for
Editors and Moderators to read (filter by status, search by name or code); nobody edits them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificationGrant
from tests.certificates.conftest import buy, complete
from tests.factories import UserFactory
from tests.shop.conftest import editor, shop_manager  # noqa: F401 - the shared fixtures, by name

pytestmark = pytest.mark.django_db

GRANTS = reverse("certification_grant:index")
CERTIFICATES = reverse("certificate:index")


@pytest.fixture
def lapsed(cert_course, certification):
    """Grace lost hers: certified long ago, expired now."""
    grace = UserFactory(first_name="Grace", last_name="Hopper", email="grace@example.com")
    buy(grace, cert_course)
    complete(grace, cert_course)
    CertificationGrant.objects.filter(user=grace).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    return grace


def test_an_editor_lists_the_certifications_held_by_status(
    client,
    editor,  # noqa: F811
    certified,
    lapsed,
):
    client.force_login(editor)
    page = client.get(GRANTS).content.decode()
    assert "Ada Lovelace" in page and "Grace Hopper" in page

    valid = client.get(GRANTS, {"status": "valid"}).content.decode()
    assert "Ada Lovelace" in valid and "Grace Hopper" not in valid
    expired = client.get(GRANTS, {"status": "expired"}).content.decode()
    assert "Grace Hopper" in expired and "Ada Lovelace" not in expired


def test_an_editor_finds_a_certificate_by_its_code_and_reads_it(
    client,
    editor,  # noqa: F811
    certified,
    lapsed,
    learner,
):
    certificate = Certificate.objects.get(user=learner)
    client.force_login(editor)
    found = client.get(CERTIFICATES, {"q": certificate.code}).content.decode()
    assert "Ada Lovelace" in found and "Grace Hopper" not in found
    inspect = client.get(reverse("certificate:inspect", args=[certificate.pk]))
    assert inspect.status_code == 200 and certificate.code in inspect.content.decode()


def test_nobody_adds_or_edits_a_certificate_in_the_admin(
    client,
    editor,  # noqa: F811
    certified,
    learner,
):
    certificate = Certificate.objects.get(user=learner)
    client.force_login(editor)
    assert client.get(reverse("certificate:add")).status_code in (302, 403)
    response = client.post(
        reverse("certificate:edit", args=[certificate.pk]), {"learner_name": "Someone Else"}
    )
    assert response.status_code in (302, 403)
    certificate.refresh_from_db()
    assert certificate.learner_name == "Ada Lovelace"


def test_a_shop_manager_does_not_see_the_certification_lists(
    client,
    shop_manager,  # noqa: F811
    certified,
):
    client.force_login(shop_manager)
    response = client.get(GRANTS)
    assert response.status_code in (302, 403)
    assert "Ada Lovelace" not in response.content.decode()
