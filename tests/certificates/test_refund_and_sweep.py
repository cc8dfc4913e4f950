"""Refunds revoke certificates and certifications; the daily sweep expires and reminds once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from certificates.models import Certificate, CertificationGrant
from certificates.tasks import certifications_sweep
from shop.payments.local import TestGateway
from shop.services import order_refund

pytestmark = pytest.mark.django_db


def test_a_full_refund_revokes_the_certificate_and_the_certification(certified, learner):
    order_refund(order=certified, amount_cents=None, reason="asked", gateway=TestGateway())
    assert Certificate.objects.get(user=learner).revoked_at is not None
    assert CertificationGrant.objects.get(user=learner).revoked_at is not None


def test_a_partial_refund_keeps_the_certificate(certified, learner):
    order_refund(order=certified, amount_cents=100, reason="late", gateway=TestGateway())
    assert Certificate.objects.get(user=learner).revoked_at is None
    assert CertificationGrant.objects.get(user=learner).is_valid


def test_the_sweep_sends_one_renewal_email_30_days_before_expiry(
    certified, learner, django_capture_on_commit_callbacks
):
    grant = CertificationGrant.objects.get(user=learner)
    early = grant.expires_at - timedelta(days=31)
    with django_capture_on_commit_callbacks(execute=True):
        assert certifications_sweep(now=early) == {"expired": 0, "reminded": 0}
    due = grant.expires_at - timedelta(days=29)
    with django_capture_on_commit_callbacks(execute=True):
        assert certifications_sweep(now=due)["reminded"] == 1
        assert certifications_sweep(now=due + timedelta(days=1))["reminded"] == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert "R-Phase Certified" in mail.outbox[0].subject


def test_the_sweep_marks_an_expired_certification_once(certified, learner):
    grant = CertificationGrant.objects.get(user=learner)
    later = grant.expires_at + timedelta(days=1)
    assert certifications_sweep(now=later)["expired"] == 1
    assert certifications_sweep(now=later)["expired"] == 0
    grant.refresh_from_db()
    assert grant.expired_at == later
    call_command("certifications_sweep")  # runs at the real time: nothing due, no error
