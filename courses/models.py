"""Courses: an index of courses, each a sales page with ordered lessons, and who may watch them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.cache import add_never_cache_headers
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from shop.money import decimal_amount
from website.absolute_urls import absolute_url
from website.content.blocks import VideoBlock
from website.content.models.seo import SHARE_RENDITION, SeoHeadMixin


class CourseIndexPage(SeoHeadMixin, Page):
    """The "Courses" listing: every live course under it, with price and add-to-cart."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["content.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = "course index page"

    def og_description(self, **kwargs) -> str:
        return self.search_description or self.intro

    def courses(self):
        return CoursePage.objects.child_of(self).live().specific().select_related("hero_image")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = self.courses()
        return context

    def structured_data(self, request, **kwargs) -> list[dict]:
        return [
            {
                "@context": "https://schema.org",
                "@type": "ItemList",
                "itemListElement": [
                    {"@type": "ListItem", "position": position, "url": absolute_url(course.url)}
                    for position, course in enumerate(self.courses(), start=1)
                ],
            }
        ]


class CoursePage(SeoHeadMixin, Page):
    """A course's sales page. Price in cents; only purchasable courses can be added to a cart."""

    summary = models.TextField(max_length=400, help_text="One or two sentences for listings.")
    description = StreamField(
        [
            ("heading", blocks.CharBlock(form_classname="title", icon="title")),
            ("paragraph", blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])),
        ],
        blank=True,
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trailer = StreamField([("video", VideoBlock())], max_num=1, blank=True)
    price_cents = models.PositiveIntegerField("price")
    compare_at_price_cents = models.PositiveIntegerField(
        "compare-at price",
        null=True,
        blank=True,
        help_text="The former price, shown struck through. Must be above the price.",
    )
    is_purchasable = models.BooleanField(
        "purchasable", default=True, help_text="Untick to keep the page up but stop new sales."
    )
    learning_outcomes = models.TextField(
        "what you'll learn", blank=True, help_text="One outcome per line."
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        FieldPanel("trailer"),
        FieldPanel("description"),
        FieldPanel("learning_outcomes"),
        MultiFieldPanel(
            [
                FieldPanel("price_cents"),
                FieldPanel("compare_at_price_cents"),
                FieldPanel("is_purchasable"),
            ],
            heading="Selling",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = "course page"

    def clean(self):
        super().clean()
        if self.compare_at_price_cents is not None and self.compare_at_price_cents <= (
            self.price_cents or 0
        ):
            raise ValidationError(
                {"compare_at_price_cents": "The compare-at price must be above the price."}
            )

    @property
    def outcomes(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    def lessons(self):
        return LessonPage.objects.child_of(self).live().specific()

    def share_image(self, **kwargs):
        return self.hero_image

    def structured_data(self, request, **kwargs) -> list[dict]:
        """schema.org Course with its offer: what Google shows as a course rich result."""
        url = absolute_url(self.get_url(request))
        minutes = sum(lesson.duration_minutes for lesson in self.lessons())
        data = {
            "@context": "https://schema.org",
            "@type": "Course",
            "name": self.title,
            "description": self.search_description or self.summary,
            "url": url,
            "provider": {
                "@type": "Organization",
                "name": settings.WAGTAIL_SITE_NAME,
                "url": absolute_url("/"),
            },
            "offers": {
                "@type": "Offer",
                "category": "Paid",
                "price": decimal_amount(self.price_cents),
                "priceCurrency": settings.SITE_CURRENCY,
                "availability": "https://schema.org/InStock"
                if self.is_purchasable
                else "https://schema.org/Discontinued",
                "url": url,
            },
            "hasCourseInstance": {
                "@type": "CourseInstance",
                "courseMode": "Online",
                **({"courseWorkload": f"PT{minutes}M"} if minutes else {}),
            },
        }
        if self.hero_image:
            data["image"] = [absolute_url(self.hero_image.get_rendition(SHARE_RENDITION).url)]
        return [data]

    def get_context(self, request, *args, **kwargs):
        # Imported here: the selectors import these models.
        from courses.selectors import course_progress, user_is_enrolled

        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = self.lessons()
        context["is_enrolled"] = user_is_enrolled(user=request.user, course=self)
        if context["is_enrolled"]:
            context["progress"] = course_progress(user=request.user, course=self)
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated:
            # Progress and "in your library" are personal; keep them out of shared caches.
            add_never_cache_headers(response)
        return response


class LessonPage(Page):
    """One lesson of a course. Shown to enrolled users, or to everyone when a free preview."""

    video = StreamField([("video", VideoBlock())], max_num=1, blank=True)
    body = RichTextField(blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])
    resources = StreamField(
        [("document", DocumentChooserBlock(label="Resource"))],
        blank=True,
        help_text="Downloads (worksheets, PDFs). Served only to people who can see this lesson.",
    )
    duration_minutes = models.PositiveSmallIntegerField(default=0)
    is_free_preview = models.BooleanField("free preview", default=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("video"),
        FieldPanel("body"),
        FieldPanel("resources"),
        FieldPanel("duration_minutes"),
        FieldPanel("is_free_preview"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = "lesson page"

    @property
    def course(self) -> CoursePage:
        return CoursePage.objects.get(pk=self.get_parent().pk)

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import lesson_is_completed

        context = super().get_context(request, *args, **kwargs)
        context["course"] = self.course
        siblings = LessonPage.objects.sibling_of(self, inclusive=False).live()
        context["previous_lesson"] = siblings.filter(path__lt=self.path).order_by("path").last()
        context["next_lesson"] = siblings.filter(path__gt=self.path).order_by("path").first()
        context["is_completed"] = lesson_is_completed(user=request.user, lesson=self)
        return context

    def get_sitemap_urls(self, request=None):
        """Free previews only: any other lesson sends a visitor on to the course's sales page."""
        return super().get_sitemap_urls(request) if self.is_free_preview else []

    def serve(self, request, *args, **kwargs):
        from django.contrib import messages

        from courses.selectors import lesson_is_open_to

        if not lesson_is_open_to(user=request.user, lesson=self):
            messages.info(request, f"“{self.title}” is part of this course. Enrol to watch it.")
            return HttpResponseRedirect(self.get_parent().url)
        response = super().serve(request, *args, **kwargs)
        if not self.is_free_preview:
            add_never_cache_headers(response)
        return response


class Enrollment(models.Model):
    """A user's access to a course, granted by a paid order and revoked by a full refund."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="enrollments")
    order = models.ForeignKey(
        "shop.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="enrollments"
    )
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="enrollment_one_per_user_course"
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.course}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LessonCompletion(models.Model):
    """An enrolled user marked a lesson complete."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_completed_once")
        ]

    def __str__(self):
        return f"{self.user} completed {self.lesson}"
