"""Demo newsletter: the reading-list document chosen in the site setting, a few subscribers,
and the editors' permission to see them. Running it again changes nothing."""

from io import BytesIO

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.models import Site

from website.content.demo import home_page
from website.newsletter.models import NewsletterSettings, Subscriber

READING_LIST_TITLE = "Coachhouse recommended reading list"
BOOKS = [
    ("Explain Pain", "David Butler & G. Lorimer Moseley"),
    ("The Brain That Changes Itself", "Norman Doidge"),
    ("Spark: The Revolutionary New Science of Exercise and the Brain", "John J. Ratey"),
    ("Move Your DNA", "Katy Bowman"),
    ("Built to Move", "Kelly Starrett & Juliet Starrett"),
    ("Why Zebras Don't Get Ulcers", "Robert M. Sapolsky"),
    ("The Sports Gene", "David Epstein"),
    ("Anatomy Trains", "Thomas W. Myers"),
]
DEMO_SUBSCRIBERS = [
    ("reader.one@example.com", "Ada", Subscriber.Status.CONFIRMED),
    ("reader.two@example.com", "Ben", Subscriber.Status.CONFIRMED),
    ("reader.three@example.com", "", Subscriber.Status.PENDING),
    ("reader.four@example.com", "Cleo", Subscriber.Status.UNSUBSCRIBED),
]
EDITOR_GROUPS = ["Editors", "Moderators"]


def reading_list_pdf() -> bytes:
    """A one-page A4 PDF listing the books, drawn locally with Pillow (no download)."""
    page = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(page)
    draw.text((110, 130), READING_LIST_TITLE, font=ImageFont.load_default(size=52), fill="#0f5c63")
    draw.text(
        (110, 210),
        "Books our coaches recommend",
        font=ImageFont.load_default(size=30),
        fill="#4a5a60",
    )
    y = 320
    for title, author in BOOKS:
        draw.text((110, y), title, font=ImageFont.load_default(size=34), fill="#17252a")
        draw.text((110, y + 46), author, font=ImageFont.load_default(size=28), fill="#4a5a60")
        y += 140
    output = BytesIO()
    page.save(output, format="PDF", resolution=150)
    return output.getvalue()


def seed(*, stdout) -> None:
    Document = get_document_model()
    document = Document.objects.filter(title=READING_LIST_TITLE).first()
    if document is None:
        document = Document(title=READING_LIST_TITLE)
        document.file.save(
            "coachhouse-reading-list.pdf", ContentFile(reading_list_pdf()), save=False
        )
        document.save()
    for site in Site.objects.all():
        settings = NewsletterSettings.for_site(site)
        if settings.reading_list_id is None:
            settings.reading_list = document
            settings.save(update_fields=["reading_list"])

    home = home_page()
    now = timezone.now()
    for email, first_name, status in DEMO_SUBSCRIBERS:
        Subscriber.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first_name,
                "status": status,
                "source_page": home,
                "confirmed_at": now if status != Subscriber.Status.PENDING else None,
                "unsubscribed_at": now if status == Subscriber.Status.UNSUBSCRIBED else None,
            },
        )

    permissions = Permission.objects.filter(
        content_type__app_label="newsletter",
        codename__in=["view_subscriber", "change_subscriber", "delete_subscriber"],
    )
    for group in Group.objects.filter(name__in=EDITOR_GROUPS):
        group.permissions.add(*permissions)
    stdout.write(f"Newsletter: reading list document, {len(DEMO_SUBSCRIBERS)} demo subscribers")
