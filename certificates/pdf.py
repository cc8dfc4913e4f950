"""The certificate as a PDF (reportlab): one landscape page with the learner's name, the
course, the date, the code and the absolute verification URL."""

import io

from django.conf import settings
from django.utils import timezone
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import landscape, letter
from reportlab.pdfgen import canvas

from certificates.models import Certificate
from website.absolute_urls import absolute_url

INK = HexColor("#1f2a37")
ACCENT = HexColor("#2f6f5e")
MUTED = HexColor("#5b6673")


def _fit(pdf: canvas.Canvas, text: str, font: str, size: float, width: float) -> float:
    """The largest size up to `size` at which `text` fits in `width` (long names shrink)."""
    while size > 10 and pdf.stringWidth(text, font, size) > width:
        size -= 1
    return size


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """The PDF bytes of `certificate` (its snapshot of name and course title, never the live
    ones), with the verification URL on SITE_URL."""
    buffer = io.BytesIO()
    width, height = landscape(letter)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Certificate of completion: {certificate.course_title}")
    pdf.setAuthor(settings.WAGTAIL_SITE_NAME)
    pdf.setSubject(f"{certificate.learner_name} completed {certificate.course_title}")

    pdf.setStrokeColor(ACCENT)
    pdf.setLineWidth(3)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.setLineWidth(0.75)
    pdf.rect(40, 40, width - 80, height - 80)

    centre, text_width = width / 2, width - 160
    issued = timezone.localtime(certificate.issued_at)
    lines = [
        (settings.WAGTAIL_SITE_NAME.upper(), "Helvetica-Bold", 14, ACCENT, height - 100),
        ("Certificate of completion", "Times-Bold", 36, INK, height - 150),
        ("This certifies that", "Helvetica", 14, MUTED, height - 200),
        (certificate.learner_name, "Times-BoldItalic", 34, INK, height - 245),
        ("has completed the course", "Helvetica", 14, MUTED, height - 285),
        (certificate.course_title, "Times-Bold", 26, INK, height - 325),
        (
            f"on {issued:%B} {issued.day}, {issued.year}",
            "Helvetica",
            14,
            MUTED,
            height - 360,
        ),
    ]
    for text, font, size, colour, y in lines:
        pdf.setFillColor(colour)
        pdf.setFont(font, _fit(pdf, text, font, size, text_width))
        pdf.drawCentredString(centre, y, text)

    url = absolute_url(certificate.get_absolute_url())
    pdf.setFillColor(INK)
    pdf.setFont("Helvetica", 11)
    pdf.drawCentredString(centre, 110, f"Certificate code: {certificate.grouped_code}")
    pdf.setFillColor(MUTED)
    pdf.setFont("Helvetica", 10)
    pdf.drawCentredString(centre, 92, f"Verify at {url}")
    pdf.linkURL(url, (80, 85, width - 80, 125), relative=0)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
