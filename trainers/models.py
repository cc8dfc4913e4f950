from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.models import Page

from website.absolute_urls import absolute_url
from website.content.models.caching import KnownRestrictionsMixin
from website.content.models.seo import SHARE_RENDITION, SeoHeadMixin

DISTANCE_UNITS = [("mi", "miles"), ("km", "kilometres")]


class Certification(models.Model):
    """A qualification editors maintain (R-Phase, I-Phase, …); `level` orders them."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    level = models.PositiveSmallIntegerField(default=0, help_text="Lower levels are listed first.")
    description = models.TextField(blank=True)
    course = models.ForeignKey(
        "courses.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certifications_granted",
        help_text="Completing this course (every lesson and its required quizzes, including a "
        "final exam) grants the certification. Leave empty for a certification editors list "
        "by hand.",
    )
    validity_days = models.PositiveIntegerField(
        "valid for (days)",
        default=730,
        validators=[MinValueValidator(1)],
        help_text="How long a granted certification lasts, e.g. 730 for two years.",
    )
    renewal_course = models.ForeignKey(
        "courses.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certifications_renewed",
        help_text="Completing this course while certified (or shortly after expiry) extends "
        "the certification by its validity.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("level"),
        FieldPanel("description"),
        FieldPanel("course"),
        FieldPanel("validity_days"),
        FieldPanel("renewal_course"),
    ]

    class Meta:
        ordering = ["level", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.course_id and self.course_id == self.renewal_course_id:
            raise ValidationError(
                {"renewal_course": "The renewal course must differ from the certification course."}
            )


class TrainerSpecialty(TaggedItemBase):
    content_object = ParentalKey(
        "Trainer", on_delete=models.CASCADE, related_name="specialty_items"
    )


class TrainerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Trainer(ClusterableModel):
    """A coach in the directory. The contact email is private: visitors write through a form.

    Latitude and longitude are set together or not at all; the admin form fills them
    from the address when they are left empty.
    """

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    external_id = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="Id in the source spreadsheet; a CSV import updates the trainer with this id.",
    )
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bio = models.TextField(blank=True)
    certifications = models.ManyToManyField(Certification, blank=True, related_name="trainers")
    specialties = ClusterTaggableManager(through=TrainerSpecialty, blank=True)
    website = models.URLField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(
        help_text="Private: messages from the contact form go here; never shown."
    )
    street = models.CharField(max_length=160, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True, help_text="State, province or county.")
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(
        max_length=2,
        default="US",
        validators=[
            RegexValidator(r"^[A-Z]{2}$", "Use the two-letter ISO country code, e.g. US or GB.")
        ],
        help_text="Two-letter ISO code.",
    )
    latitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    offers_online = models.BooleanField("offers online coaching", default=False)
    is_published = models.BooleanField("published", default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainer_profile",
        help_text="The account that may propose changes to this profile.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrainerQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("certifications"),
        FieldPanel("specialties"),
        MultiFieldPanel(
            [FieldPanel("email"), FieldPanel("website"), FieldPanel("phone")], heading="Contact"
        ),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldRowPanel([FieldPanel("city"), FieldPanel("region")]),
                FieldRowPanel([FieldPanel("postal_code"), FieldPanel("country")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading="Location",
            help_text="Leave latitude and longitude empty to look them up from the address.",
        ),
        FieldPanel("offers_online"),
        FieldPanel("is_published"),
        FieldPanel("user"),
        FieldPanel("external_id"),
    ]

    class Meta:
        ordering = ["name"]
        # Covers the search's ranking query on its own (latitude, longitude, is_published,
        # name for equal distances, id), so the database ranks the rows of the bounding box
        # without reading the table; only the page's rows are read by primary key.
        indexes = [
            models.Index(
                fields=["latitude", "longitude", "is_published", "name", "id"],
                name="trainer_search_covering",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="trainer_lat_lng_together",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        directory = TrainerDirectoryPage.objects.live().first()
        if directory is None:
            return ""
        return directory.url + directory.reverse_subpage("trainer", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError("Give both latitude and longitude, or leave both empty.")

    @property
    def area(self) -> str:
        """ "Evanston, IL" / "Leeds, GB": what a visitor sees; the street stays private."""
        return ", ".join(part for part in (self.city, self.region or self.country) if part)


class Inquiry(models.Model):
    """A message a visitor sent a trainer through the profile's contact form.

    Delivery is recorded: `delivered_at` once the e-mail went out, `delivery_failed_at` once
    every attempt failed (the admin shows it as undelivered), neither while it is being tried.
    """

    trainer = models.ForeignKey(Trainer, on_delete=models.CASCADE, related_name="inquiries")
    name = models.CharField(max_length=120)
    email = models.EmailField()
    message = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery_failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "inquiries"

    def __str__(self):
        return f"{self.name} → {self.trainer}"

    @property
    def delivery(self) -> str:
        """ "Delivered", "Undelivered" (every attempt failed) or "Sending" (still being tried)."""
        if self.delivered_at:
            return "Delivered"
        if self.delivery_failed_at:
            return "Undelivered"
        return "Sending"


class TrainerDirectoryPage(KnownRestrictionsMixin, SeoHeadMixin, RoutablePageMixin, Page):
    """The "Find a Trainer" page: search form, results list and map, and every profile.

    Profiles live under it at /<slug>/; the same search as JSON is at
    /trainers/api/search (see trainers/urls.py), since page paths cannot hold a dot.
    """

    intro = models.TextField(
        blank=True,
        default="Find a certified coach near you, or one who coaches online.",
    )
    distance_unit = models.CharField(
        max_length=2, choices=DISTANCE_UNITS, default="mi", help_text="Default unit for the radius."
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("distance_unit")]

    parent_page_types = ["content.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "trainer directory page"

    def og_title(self, *, trainer=None, **kwargs) -> str:
        return f"{trainer.name}, movement trainer" if trainer else super().og_title()

    def og_description(self, *, trainer=None, **kwargs) -> str:
        if trainer:
            return f"{trainer.name}, movement trainer in {trainer.area}."
        return self.search_description or self.intro

    def share_image(self, *, trainer=None, **kwargs):
        return trainer.photo if trainer else None

    def breadcrumbs(self, request, *, trainer=None, **kwargs) -> list[tuple[str, str]]:
        crumbs = super().breadcrumbs(request)
        if trainer:
            crumbs.append((trainer.name, absolute_url(trainer.get_absolute_url())))
        return crumbs

    def structured_data(self, request, *, trainer=None, **kwargs) -> list[dict]:
        """A profile describes the trainer's practice (LocalBusiness); never their e-mail."""
        if trainer is None:
            return []
        data = {
            "@context": "https://schema.org",
            "@type": "LocalBusiness",
            "name": trainer.name,
            "url": absolute_url(trainer.get_absolute_url()),
            "description": trainer.bio or self.og_description(trainer=trainer),
            "address": {
                "@type": "PostalAddress",
                "addressLocality": trainer.city,
                "addressRegion": trainer.region,
                "postalCode": trainer.postal_code,
                "addressCountry": trainer.country,
            },
            "areaServed": [trainer.area, *(["Online"] if trainer.offers_online else [])],
            "employee": {
                "@type": "Person",
                "name": trainer.name,
                "jobTitle": "Movement trainer",
                "hasCredential": [
                    {"@type": "EducationalOccupationalCredential", "name": c.name}
                    for c in trainer.certifications.all()
                ],
            },
        }
        if trainer.latitude is not None:
            data["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": trainer.latitude,
                "longitude": trainer.longitude,
            }
        if trainer.website:
            data["sameAs"] = [trainer.website]
        if trainer.photo:
            data["image"] = absolute_url(trainer.photo.get_rendition(SHARE_RENDITION).url)
        return [data]

    def get_sitemap_urls(self, request=None):
        """The page itself and every published profile, for Wagtail's sitemap."""
        base = self.get_full_url(request)
        profiles = Trainer.objects.published().order_by("pk").values_list("slug", "updated_at")
        return [
            *super().get_sitemap_urls(request),
            *(
                {"location": f"{base}{slug}/", "lastmod": updated_at}
                for slug, updated_at in profiles
            ),
        ]

    @path("")
    def directory(self, request):
        from trainers import views

        return views.directory(request, page=self)

    @re_path(r"^(?P<slug>[-\w]+)/$", name="trainer")
    def trainer(self, request, slug):
        from trainers import views

        return views.trainer_profile(request, page=self, slug=slug)


class ProfileChange(models.Model):
    """One submission (revision) of changes a trainer proposed to their own profile, public
    only once an editor approves it.

    A revision never changes after it is submitted: sending again makes a new one and marks the
    pending one superseded, so an editor only ever approves the text they saw. At most one
    revision per trainer is pending.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Replaced by a later revision"

    trainer = models.ForeignKey(Trainer, on_delete=models.CASCADE, related_name="profile_changes")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    bio = models.TextField(blank=True)
    website = models.URLField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    specialties = models.CharField(max_length=255, blank=True, help_text="Comma-separated.")
    offers_online = models.BooleanField("offers online coaching", default=False)
    publishes = models.BooleanField(
        "publishes the profile",
        default=False,
        help_text="A profile the trainer created from their certification: approving it "
        "publishes the profile in Find a Trainer.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainer"],
                condition=models.Q(status="pending"),
                name="one_pending_change_per_trainer",
            )
        ]

    def __str__(self):
        return f"Changes to {self.trainer} ({self.get_status_display().lower()})"

    @property
    def specialty_names(self) -> list[str]:
        return [name.strip() for name in self.specialties.split(",") if name.strip()]
