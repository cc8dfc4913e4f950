"""The PDF (parsed back) and the public verification page for every state of a code."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from certificates.models import Certificate, CertificationGrant
from certificates.services import certificates_revoke_for_order
from tests.conftest import SITE_URL
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_pdf_holds_the_name_course_date_code_and_absolute_verification_url(
    client, learner, certified
):
    certificate = Certificate.objects.get(user=learner)
    client.force_login(learner)
    response = client.get(f"/certificates/{certificate.grouped_code}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]
    text = _pdf_text(response)
    assert "Ada Lovelace" in text
    assert "R-Phase Certification" in text
    assert certificate.grouped_code in text
    assert f"{SITE_URL}/certificates/{certificate.grouped_code}/" in text
    issued = timezone.localtime(certificate.issued_at)
    assert f"{issued:%B} {issued.day}, {issued.year}" in text


def test_someone_elses_pdf_is_not_found(client, certified, learner):
    certificate = Certificate.objects.get(user=learner)
    client.force_login(UserFactory())
    assert client.get(f"/certificates/{certificate.code}/certificate.pdf").status_code == 404


def test_the_pdf_asks_an_anonymous_visitor_to_log_in(client, certified, learner):
    certificate = Certificate.objects.get(user=learner)
    response = client.get(f"/certificates/{certificate.code}/certificate.pdf")
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_a_revoked_certificate_has_no_pdf(client, certified, learner):
    certificate = Certificate.objects.get(user=learner)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    client.force_login(learner)
    assert client.get(f"/certificates/{certificate.code}/certificate.pdf").status_code == 404


def test_the_verification_page_says_valid_with_name_course_and_date(client, certified, learner):
    certificate = Certificate.objects.get(user=learner)
    response = client.get(certificate.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "✓ Valid" in page
    assert "Ada Lovelace" in page and "R-Phase Certification" in page
    assert certificate.issued_at.strftime("%Y") in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_code_may_be_typed_in_lower_case_without_dashes(client, certified, learner):
    certificate = Certificate.objects.get(user=learner)
    assert client.get(f"/certificates/{certificate.code.lower()}/").status_code == 200


def test_the_verification_page_says_revoked(client, certified, learner):
    certificates_revoke_for_order(order=certified)
    certificate = Certificate.objects.get(user=learner)
    page = client.get(certificate.get_absolute_url()).content.decode()
    assert "✗ Revoked: this certificate is no longer valid" in page
    assert "✗ Revoked: this certification is no longer valid" in page
    assert "✓ Valid" not in page


def test_an_expired_certification_shows_expired_even_before_the_sweep_runs(
    client, certified, learner
):
    grant = CertificationGrant.objects.get(user=learner)
    CertificationGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert grant.expired_at is None
    page = client.get(grant.get_absolute_url()).content.decode()
    assert "Expired on" in page and "✓ Valid" not in page
    # The certificate of completion itself stays valid; its page says the certification expired.
    certificate_page = client.get(grant.certificate.get_absolute_url()).content.decode()
    assert "✓ Valid" in certificate_page and "✗ Expired on" in certificate_page


@pytest.mark.parametrize(
    "code",
    [
        "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA",  # well-formed, not ours
        "not-a-code",
        "1" * 32,
        "%3Cscript%3E",
    ],
)
def test_a_forged_or_unknown_code_is_a_404_that_says_not_valid(client, certified, code):
    response = client.get(f"/certificates/{code}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "This certificate is not valid" in page
    assert "Ada Lovelace" not in page


def test_my_certificates_lists_the_certificate_with_its_download(client, certified, learner):
    certificate = Certificate.objects.get(user=learner)
    client.force_login(learner)
    page = client.get("/account/certificates/").content.decode()
    assert "R-Phase Certification" in page
    assert f"/certificates/{certificate.grouped_code}/certificate.pdf" in page
    assert "R-Phase Certified" in page
    assert "/certificates/" in client.get("/account/").content.decode()
