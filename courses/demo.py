"""Demo courses: "The Balance Gym" (the course the seed episode promotes) and three more."""

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from courses.models import CourseIndexPage, CoursePage, LessonPage
from website.content.demo import home_page

# title, slug, summary, price, compare-at, outcomes, lessons (title, minutes, free preview)
COURSES = [
    (
        "The Balance Gym",
        "the-balance-gym",
        "Train your vestibular system in ten minutes a day: steadier walking, "
        "less dizziness, more confidence.",
        14900,
        19900,
        "How your inner ear, eyes and feet share the job of balance\n"
        "Daily drills that calm dizziness and motion sensitivity\n"
        "A progression from standing still to walking backwards with ease",
        [
            ("Welcome: how balance works", 6, True),
            ("Gaze stabilisation drills", 12, False),
            ("Head turns while walking", 14, False),
            ("Backward walking progressions", 15, False),
        ],
    ),
    (
        "Pain-Free Posture",
        "pain-free-posture",
        "Use your nervous system, not willpower, to sit and stand tall without aching.",
        9900,
        None,
        "Why posture is a skill the brain learns\n"
        "Eye and breathing drills that release a stiff neck\n"
        "A five-minute desk routine",
        [
            ("Your brain's map of your body", 8, True),
            ("Neck and eyes: the hidden link", 11, False),
            ("The desk routine", 9, False),
        ],
    ),
    (
        "Breath for Performance",
        "breath-for-performance",
        "Breathing drills that lower stress and raise endurance, "
        "for athletes and desk workers alike.",
        7900,
        None,
        "Measure your breathing capacity\n"
        "Drills for calm focus and for recovery\n"
        "How to breathe under load",
        [
            ("Testing your breath", 7, True),
            ("Down-regulation drills", 10, False),
            ("Breathing under load", 13, False),
        ],
    ),
    (
        "Eyes and Movement",
        "eyes-and-movement",
        "Vision training for better coordination, fewer headaches and faster reactions.",
        12900,
        None,
        "How vision steers movement\n"
        "Eye drills for headaches and screen fatigue\n"
        "Reaction and tracking games",
        [
            ("Vision is more than eyesight", 9, True),
            ("Smooth pursuits and saccades", 12, False),
            ("Reaction training", 10, False),
        ],
    ),
]

DEMO_VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def _worksheet(title: str):
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title)
        document.file.save(
            "balance-gym-worksheet.txt",
            ContentFile(
                b"The Balance Gym - daily drill log\n\nDay | Drill | Minutes | Dizziness (0-10)\n"
            ),
        )
    return document


def course_index() -> CourseIndexPage:
    """The "Courses" page at /courses/, created once under the home page."""
    index = CourseIndexPage.objects.first()
    if index is None:
        index = home_page().add_child(
            instance=CourseIndexPage(
                title="Courses",
                slug="courses",
                intro="Self-paced video courses on brain-based movement training. "
                "Watch on any device, keep forever.",
            )
        )
        index.save_revision().publish()
    return index


def seed(*, stdout) -> None:
    index = course_index()
    worksheet = _worksheet("The Balance Gym worksheet")
    for title, slug, summary, price, compare_at, outcomes, lessons in COURSES:
        if CoursePage.objects.filter(slug=slug).exists():
            continue
        course = index.add_child(
            instance=CoursePage(
                title=title,
                slug=slug,
                summary=summary,
                price_cents=price,
                compare_at_price_cents=compare_at,
                learning_outcomes=outcomes,
                trailer=[
                    (
                        "video",
                        {"title": f"{title} — trailer", "url": DEMO_VIDEO, "duration": "1:30"},
                    )
                ],
                description=[
                    ("heading", "About this course"),
                    (
                        "paragraph",
                        f"<p>{summary} Each lesson is a short video with a drill to practise.</p>",
                    ),
                ],
            )
        )
        course.save_revision().publish()
        for lesson_title, minutes, is_free in lessons:
            lesson = course.add_child(
                instance=LessonPage(
                    title=lesson_title,
                    duration_minutes=minutes,
                    is_free_preview=is_free,
                    video=[
                        (
                            "video",
                            {"title": lesson_title, "url": DEMO_VIDEO, "duration": f"{minutes}:00"},
                        )
                    ],
                    body=f"<p>Follow along, then practise “{lesson_title}” daily this week.</p>",
                    resources=[("document", worksheet)]
                    if slug == "the-balance-gym" and not is_free
                    else [],
                )
            )
            lesson.save_revision().publish()
    stdout.write(
        f"Courses: {CoursePage.objects.count()} at /courses/"
        " (The Balance Gym at /courses/the-balance-gym/)"
    )
