"""Courses: an index of courses, each a sales page with ordered lessons, and who may watch them."""

import uuid
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.blocks import quiz_question_blocks
from courses.forms import MAX_LESSON_SECONDS, LessonPageForm
from shop.money import decimal_amount
from website.absolute_urls import absolute_url
from website.content.blocks import VideoBlock
from website.content.models.caching import KnownRestrictionsMixin
from website.content.models.seo import SHARE_RENDITION, SeoHeadMixin
from website.content.video import iso_duration

# A payment plan spreads a course's price over this many monthly instalments at most.
MIN_INSTALMENTS, MAX_INSTALMENTS = 2, 12


class PersonalForSignedInMixin:
    """Course pages show a signed-in visitor what they own ("Go to course", progress), so
    those renderings are marked private: no shared cache or proxy may keep them."""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class CourseIndexPage(KnownRestrictionsMixin, PersonalForSignedInMixin, SeoHeadMixin, Page):
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


class CoursePage(KnownRestrictionsMixin, PersonalForSignedInMixin, SeoHeadMixin, Page):
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
    # An optional payment plan: the course may also be bought in this many monthly payments
    # of this amount. A change applies to new plans only (each plan keeps what it was sold at).
    instalment_count = models.PositiveSmallIntegerField(
        "number of instalments",
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_INSTALMENTS), MaxValueValidator(MAX_INSTALMENTS)],
        help_text=f"{MIN_INSTALMENTS}–{MAX_INSTALMENTS} monthly payments; empty for no payment "
        "plan.",
    )
    instalment_cents = models.PositiveIntegerField(
        "instalment amount",
        null=True,
        blank=True,
        help_text="Charged every month; all instalments together must cover the price.",
    )
    learning_outcomes = models.TextField(
        "what you'll learn", blank=True, help_text="One outcome per line."
    )
    instructor = models.ForeignKey(
        "courses.Instructor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
        help_text="Who teaches the course: photo, bio and credentials (Snippets → Instructors).",
    )
    guarantee = models.TextField(
        "refund guarantee",
        blank=True,
        max_length=400,
        help_text="A sentence or two beside the buy button, e.g. “Try it for 30 days…”. "
        "A live page with the slug “refund-policy” is linked from it.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        FieldPanel("trailer"),
        FieldPanel("description"),
        FieldPanel("learning_outcomes"),
        InlinePanel(
            "modules",
            heading="Curriculum modules",
            label="Module",
            help_text="Each lesson (a child page) chooses its module; lessons follow their "
            "module's order here, then the page order.",
        ),
        FieldPanel("instructor"),
        InlinePanel("testimonials", heading="Testimonials", label="Testimonial"),
        InlinePanel("questions", heading="Frequently asked questions", label="Question"),
        MultiFieldPanel(
            [
                FieldPanel("price_cents"),
                FieldPanel("compare_at_price_cents"),
                FieldPanel("is_purchasable"),
                FieldPanel("instalment_count"),
                FieldPanel("instalment_cents"),
                FieldPanel("guarantee"),
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
        self._clean_instalments()

    def _clean_instalments(self) -> None:
        count, amount = self.instalment_count, self.instalment_cents
        if count is None and amount is None:
            return
        if count is None:
            raise ValidationError(
                {"instalment_count": "Give the number of instalments, or clear the amount."}
            )
        if not amount:
            raise ValidationError(
                {"instalment_cents": "Give the amount of each instalment, or clear the number."}
            )
        if count * amount < (self.price_cents or 0):
            raise ValidationError(
                {
                    "instalment_cents": f"{count} instalments of this amount come to less than "
                    "the price; together they must cover it."
                }
            )

    @property
    def offers_instalments(self) -> bool:
        """Whether the course may be bought in monthly instalments (a plan is set up)."""
        return bool(self.instalment_count and self.instalment_cents)

    @property
    def outcomes(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    def share_image(self, **kwargs):
        return self.hero_image

    def structured_data(self, request, sales=None, **kwargs) -> list[dict]:
        """schema.org Course with its offer (a course rich result), and FAQPage for the FAQ.

        `aggregateRating` appears only when testimonials with a star rating exist: an average
        of real ratings, never a made-up one.
        """
        from courses.selectors import course_sales_facts

        sales = sales or course_sales_facts(course=self)
        url = absolute_url(self.get_url(request))
        minutes = round(sales.curriculum.total_seconds / 60)
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
                **({"courseWorkload": iso_duration(minutes * 60)} if minutes else {}),
            },
        }
        if self.hero_image:
            data["image"] = [absolute_url(self.hero_image.get_rendition(SHARE_RENDITION).url)]
        if instructor := sales.instructor:
            person = {"@type": "Person", "name": instructor.name}
            if instructor.headline:
                person["description"] = instructor.headline
            data["instructor"] = [person]
        if sales.average_rating is not None:
            data["aggregateRating"] = {
                "@type": "AggregateRating",
                "ratingValue": sales.average_rating,
                "ratingCount": len(sales.rated_testimonials),
                "bestRating": Testimonial.BEST_RATING,
                "worstRating": 1,
            }
        result = [data]
        if sales.questions:
            result.append(
                {
                    "@context": "https://schema.org",
                    "@type": "FAQPage",
                    "mainEntity": [
                        {
                            "@type": "Question",
                            "name": question.question,
                            "acceptedAnswer": {"@type": "Answer", "text": question.answer},
                        }
                        for question in sales.questions
                    ],
                }
            )
        return result

    def get_context(self, request, *args, **kwargs):
        # Imported here: the selectors import these models.
        from courses.selectors import course_outline, course_sales_facts

        # Read once and handed to structured_data too (SeoHeadMixin passes keyword arguments
        # on), so the query count is the same however many lessons or testimonials there are.
        sales = course_sales_facts(course=self)
        context = super().get_context(request, *args, sales=sales, **kwargs)
        context["sales"] = sales
        # The outline as this visitor sees it: a learner's progress and what is open to them.
        outline = course_outline(user=request.user, course=self, curriculum=sales.curriculum)
        context["outline"] = outline
        context["progress"] = outline.progress if outline.is_enrolled else None
        if outline.is_enrolled:
            from certificates.selectors import renewal_retake_is_due

            context["renewal_due"] = renewal_retake_is_due(user=request.user, course=self)
        # The course index's URL without reading the parent page: Wagtail makes a page's
        # URL as its parent's plus its own slug.
        context["course_index_url"] = (self.url or "").removesuffix(f"{self.slug}/")
        return context


class Instructor(index.Indexed, models.Model):
    """Who teaches a course, shown on its sales page: photo, bio and credentials.

    A snippet, so one instructor's profile is written once and chosen on each course.
    """

    name = models.CharField(max_length=120)
    headline = models.CharField(
        max_length=160, blank=True, help_text="A line under the name, e.g. “Founder, Coachhouse”."
    )
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bio = models.TextField(blank=True, help_text="A short biography; blank lines start paragraphs.")
    credentials = models.TextField(
        blank=True, help_text="One per line, e.g. “Z-Health Master Trainer”."
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("headline"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("credentials"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def credential_list(self) -> list[str]:
        return [line.strip() for line in self.credentials.splitlines() if line.strip()]

    @property
    def bio_paragraphs(self) -> list[str]:
        return [part.strip() for part in self.bio.split("\n\n") if part.strip()]


OPENS_AFTER_DAYS_HELP = (
    "Drip release: opens this many days after the learner enrolled. Leave empty to open at once."
)
OPENS_AT_HELP = (
    "Opens on this date and time (site time zone). With a number of days as well, "
    "the later of the two counts."
)


class Module(Orderable):
    """A part of a course's curriculum: a title, a summary, the lessons that choose it and
    when they open (drip release: days after enrolling and/or a fixed date and time)."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=120)
    summary = models.TextField(blank=True, max_length=400)
    opens_after_days = models.PositiveSmallIntegerField(
        "opens after (days)", null=True, blank=True, help_text=OPENS_AFTER_DAYS_HELP
    )
    opens_at = models.DateTimeField("opens on", null=True, blank=True, help_text=OPENS_AT_HELP)

    panels = [
        FieldPanel("title"),
        FieldPanel("summary"),
        FieldPanel("opens_after_days"),
        FieldPanel("opens_at"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "module"

    def __str__(self) -> str:
        return self.title


BEST_RATING = 5
RATING_CHOICES = [(stars, f"{stars} of {BEST_RATING} stars") for stars in range(1, BEST_RATING + 1)]


class Testimonial(Orderable):
    """What a student said about a course, with an optional star rating (1 to 5)."""

    BEST_RATING = BEST_RATING

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="testimonials")
    quote = models.TextField(max_length=1000)
    author = models.CharField(max_length=120)
    author_detail = models.CharField(
        max_length=160, blank=True, help_text="E.g. “Physical therapist, Denver”."
    )
    rating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=RATING_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(BEST_RATING)],
        help_text="Only a rating the student gave. Ratings are averaged for search engines.",
    )

    panels = [
        FieldPanel("quote"),
        FieldPanel("author"),
        FieldPanel("author_detail"),
        FieldPanel("rating"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "testimonial"

    def __str__(self) -> str:
        return f"{self.author} on {self.course}"


class CourseQuestion(Orderable):
    """A frequently asked question about a course and its answer (plain text)."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="questions")
    question = models.CharField(max_length=200)
    answer = models.TextField(
        max_length=2000, help_text="Plain text; blank lines start paragraphs."
    )

    panels = [FieldPanel("question"), FieldPanel("answer")]

    class Meta(Orderable.Meta):
        verbose_name = "frequently asked question"

    def __str__(self) -> str:
        return self.question

    @property
    def answer_paragraphs(self) -> list[str]:
        return [part.strip() for part in self.answer.split("\n\n") if part.strip()]


class LessonPage(KnownRestrictionsMixin, Page):
    """One lesson of a course. Shown to enrolled users, or to everyone when a free preview.

    Its duration is in whole seconds (entered as minutes and seconds); it belongs to one of
    its course's modules, or to none while the course has none.
    """

    video = StreamField([("video", VideoBlock())], max_num=1, blank=True)
    body = RichTextField(blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])
    resources = StreamField(
        [("document", DocumentChooserBlock(label="Resource"))],
        blank=True,
        help_text="Downloads (worksheets, PDFs). Served only to people who can see this lesson.",
    )
    module = models.ForeignKey(
        Module,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
        help_text="Where the lesson sits in the course's curriculum (the course's modules).",
    )
    duration_seconds = models.PositiveIntegerField(
        "duration",
        default=0,
        validators=[MaxValueValidator(MAX_LESSON_SECONDS)],
        help_text="How long the lesson's video runs.",
    )
    is_free_preview = models.BooleanField(
        "free preview", default=False, help_text="Open to every visitor, whatever the release."
    )
    opens_after_days = models.PositiveSmallIntegerField(
        "opens after (days)", null=True, blank=True, help_text=OPENS_AFTER_DAYS_HELP
    )
    opens_at = models.DateTimeField("opens on", null=True, blank=True, help_text=OPENS_AT_HELP)

    content_panels = [
        *Page.content_panels,
        FieldPanel("module"),
        FieldPanel("video"),
        FieldPanel("body"),
        FieldPanel("resources"),
        FieldPanel("duration_seconds"),
        MultiFieldPanel(
            [
                FieldPanel("is_free_preview"),
                FieldPanel("opens_after_days"),
                FieldPanel("opens_at"),
            ],
            heading="Access and release",
            help_text="A lesson in a module opens when both the module and the lesson are open.",
        ),
        InlinePanel(
            "quizzes",
            max_num=1,
            heading="Quiz",
            label="Quiz",
            help_text="An optional quiz at the end of the lesson, marked on the server.",
        ),
    ]
    base_form_class = LessonPageForm
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = "lesson page"

    @cached_property
    def course(self) -> CoursePage:
        return CoursePage.objects.get(path=self.path[: -self.steplen])

    def get_context(self, request, *args, facts=None, quiz_form=None, **kwargs):
        """The lesson, its course's outline as this visitor sees it (progress, what is open),
        previous and next in curriculum order, and its quiz (a fresh form while an attempt
        may be submitted; `quiz_form` is a submitted one with errors)."""
        from courses.forms import QuizForm
        from courses.selectors import course_outline, lesson_facts, lesson_is_completed, lesson_quiz

        facts = facts or lesson_facts(user=request.user, lesson=self)
        context = super().get_context(request, *args, **kwargs)
        context["course"] = facts.course
        context["module"] = next(
            (module for module in facts.curriculum.modules if module.pk == self.module_id), None
        )
        outline = course_outline(
            user=request.user, course=facts.course, curriculum=facts.curriculum, access=facts.access
        )
        context["outline"] = outline
        # Previous and next follow the curriculum (module order), as the course page lists it.
        lessons = facts.curriculum.lessons
        position = next((i for i, lesson in enumerate(lessons) if lesson.pk == self.pk), None)
        if position is not None:
            context["previous_lesson"] = lessons[position - 1] if position > 0 else None
            context["next_lesson"] = lessons[position + 1] if position + 1 < len(lessons) else None
        item = next((item for item in outline.lessons if item.lesson.pk == self.pk), None)
        context["is_completed"] = (
            item.is_completed
            if item is not None and outline.is_enrolled
            else lesson_is_completed(user=request.user, lesson=self)
        )
        quiz = lesson_quiz(user=request.user, lesson=self, access=facts.access)
        context["quiz"] = quiz
        # Signed-out visitors (a free preview's quiz) get no form: the rendering they share in
        # the page cache holds no attempt token and no CSRF token.
        if quiz and quiz.state is not None and quiz.state.may_attempt:
            context["quiz_form"] = quiz_form or QuizForm(questions=quiz.questions)
        return context

    def get_sitemap_urls(self, request=None):
        """Free previews only: any other lesson sends a visitor on to the course's sales page."""
        return super().get_sitemap_urls(request) if self.is_free_preview else []

    def serve(self, request, *args, **kwargs):
        """The lesson to whoever may open it (CourseAccess holds the rule). A visitor who is
        not enrolled is sent to the sales page; a learner whose lesson is not released yet
        gets the "opens on" page (403), never the content."""
        from django.contrib import messages

        from courses.selectors import lesson_facts

        facts = kwargs.pop("facts", None) or lesson_facts(user=request.user, lesson=self)
        access = facts.lesson_access
        if access.needs_enrollment:
            messages.info(request, f"“{self.title}” is part of this course. Enrol to watch it.")
            return HttpResponseRedirect(facts.course.url)
        if not access.is_open:
            response = TemplateResponse(
                request,
                "courses/lesson_locked.html",
                {"page": self, "lesson": self, "course": facts.course, "access": access},
                status=403,
            )
        else:
            response = super().serve(request, *args, facts=facts, **kwargs)
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


class Quiz(models.Model):
    """A lesson's quiz: single- and multiple-choice questions, a pass mark, attempts in rounds.

    A learner has `max_attempts` attempts; once they are used, the next round of attempts
    opens `cooldown_hours` after the last one. The answer key (which choices are correct, and
    their explanations) never reaches the page before an attempt is submitted.
    """

    lesson = ParentalKey(LessonPage, on_delete=models.CASCADE, related_name="quizzes")
    title = models.CharField(max_length=120, default="Check your understanding")
    questions = StreamField(quiz_question_blocks())
    pass_percent = models.PositiveSmallIntegerField(
        "pass mark (%)",
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="The share of questions to get right to pass. A question is right only "
        "when exactly its correct answers are chosen.",
    )
    max_attempts = models.PositiveSmallIntegerField(
        "attempts", default=3, validators=[MinValueValidator(1)]
    )
    cooldown_hours = models.PositiveSmallIntegerField(
        "cool-down (hours)",
        default=24,
        help_text="Once the attempts are used, the learner waits this long for the next ones.",
    )
    is_required = models.BooleanField(
        "required to continue",
        default=False,
        help_text="Lessons in later modules stay locked until the learner passes this quiz.",
    )
    is_final_exam = models.BooleanField(
        "final exam",
        default=False,
        help_text="Passing it is part of completing the course (and earning its certificate).",
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("questions"),
        FieldPanel("pass_percent"),
        FieldPanel("max_attempts"),
        FieldPanel("cooldown_hours"),
        FieldPanel("is_required"),
        FieldPanel("is_final_exam"),
    ]

    class Meta:
        verbose_name = "quiz"
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return f"{self.title} ({self.lesson})"

    def passes(self, *, score: int, total: int) -> bool:
        """Whether `score` right answers out of `total` reach the pass mark (integers only)."""
        return total > 0 and score * 100 >= self.pass_percent * total


class QuizAttempt(models.Model):
    """One submitted attempt: the choice ids given per question id, and the score.

    `number` counts a learner's attempts at a quiz from 1 and is unique with them, so two
    concurrent submissions cannot both take the last attempt; `token` comes from the form the
    learner was shown, so a double click records one attempt, not two.
    """

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveIntegerField()
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    answers = models.JSONField(default=dict, help_text="Question id → the choice ids chosen.")
    score = models.PositiveSmallIntegerField(help_text="Questions answered right.")
    total = models.PositiveSmallIntegerField(help_text="Questions asked.")
    is_passed = models.BooleanField("passed")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="quiz_attempt_number_once"
            ),
            models.CheckConstraint(
                condition=models.Q(score__lte=models.F("total")), name="quiz_attempt_score_le_total"
            ),
        ]
        indexes = [models.Index(fields=["user", "quiz", "is_passed"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.quiz}: {self.score}/{self.total}"

    @property
    def percent(self) -> int:
        """The score as a whole percent, rounded down (the pass decision uses integers too)."""
        return self.score * 100 // self.total if self.total else 0
