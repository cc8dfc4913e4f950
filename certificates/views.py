"""The public verification page, the learner's certificates and their PDFs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from certificates.codes import normalize_code
from certificates.exceptions import CertificateError
from certificates.models import Certificate
from certificates.pdf import certificate_pdf
from certificates.selectors import (
    user_certificates,
    user_certification_grants,
    verification_for_code,
)
from certificates.services import certificate_issue
from courses.models import CoursePage
from trainers.selectors import trainer_profile_offer


def _private(response: HttpResponse) -> HttpResponse:
    """Never stored by a shared cache (a status can change at any moment), never indexed."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def verify(request, code: str):
    """/certificates/<code>/: valid, expired or revoked, with whose and what; a code that is
    not one of ours is a 404 page saying so (the same for a forged and a malformed code)."""
    found = verification_for_code(code=code)
    if found is None:
        return _private(render(request, "certificates/not_valid.html", status=404))
    return _private(
        render(
            request,
            "certificates/verify.html",
            {"certificate": found.certificate, "grant": found.grant},
        )
    )


@login_required
@require_GET
def download(request, code: str):
    """The learner's own certificate as a PDF; anyone else's, or a revoked one, is not found."""
    certificate = get_object_or_404(
        Certificate,
        code=normalize_code(code) or "",
        user=request.user,
        revoked_at__isnull=True,
    )
    response = HttpResponse(
        certificate_pdf(certificate=certificate), content_type="application/pdf"
    )
    slug = certificate.course.slug if certificate.course else "course"
    response["Content-Disposition"] = f'attachment; filename="certificate-{slug}.pdf"'
    return _private(response)


@login_required
@require_GET
def account_certificates(request):
    """My account → Certificates: every certificate and certification, with their state."""
    response = render(
        request,
        "certificates/account_certificates.html",
        {
            "certificates": user_certificates(user=request.user),
            "grants": user_certification_grants(user=request.user),
            "profile_offer": trainer_profile_offer(user=request.user),
        },
    )
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def claim(request, course_id: int):
    """Issue the certificate of a course the learner has completed (idempotent)."""
    course = CoursePage.objects.live().filter(pk=course_id).first()
    if course is None:
        raise Http404("No such course.")
    try:
        certificate_issue(user=request.user, course=course)
    except CertificateError as exc:
        messages.error(request, str(exc))
        return redirect(course.url)
    messages.success(request, f"Your certificate for “{course.title}” is ready.")
    return redirect("certificates:account")
