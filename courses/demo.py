"""Demo courses: "The Balance Gym" (the course the seed episode promotes) and four more.

The Balance Gym carries a full sales page: modules, an instructor, rated testimonials, an FAQ
and the refund guarantee, and a quiz that must be passed before its last module opens.
Pain-Free Posture has a module released a week after enrolling (drip). R-Phase Certification
has modules (one released a week after enrolling), a required quiz and a final exam; it grants
the "R-Phase Certified" certification (certificates/demo.py). Each is added to a demo seeded
before it existed, too.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from courses.models import (
    CourseIndexPage,
    CoursePage,
    CourseQuestion,
    Instructor,
    LessonPage,
    Module,
    Quiz,
    Testimonial,
)
from website.content.demo import demo_image, home_page
from website.content.video import clock_label

CERTIFICATION_COURSE_TITLE = "R-Phase Certification"
CERTIFICATION_COURSE_SLUG = "r-phase-certification"

# title, slug, summary, price, compare-at, outcomes, lessons (title, seconds, free preview)
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
            ("Welcome: how balance works", 6 * 60 + 12, True),
            ("Your three balance systems", 9 * 60 + 40, True),
            ("Gaze stabilisation drills", 12 * 60 + 5, False),
            ("Head turns while walking", 14 * 60 + 30, False),
            ("Single-leg stance, eyes open and closed", 11 * 60 + 48, False),
            ("Backward walking progressions", 15 * 60 + 20, False),
            ("Uneven ground and turns", 13 * 60 + 2, False),
            ("Your daily ten-minute plan", 8 * 60 + 55, False),
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
            ("Your brain's map of your body", 8 * 60, True),
            ("Neck and eyes: the hidden link", 11 * 60, False),
            ("The desk routine", 9 * 60, False),
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
            ("Testing your breath", 7 * 60, True),
            ("Down-regulation drills", 10 * 60, False),
            ("Breathing under load", 13 * 60, False),
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
            ("Vision is more than eyesight", 9 * 60, True),
            ("Smooth pursuits and saccades", 12 * 60, False),
            ("Reaction training", 10 * 60, False),
        ],
    ),
    (
        CERTIFICATION_COURSE_TITLE,
        CERTIFICATION_COURSE_SLUG,
        "The R-Phase trainer certification: assess and train joints, vision and balance "
        "through the nervous system. Pass the final exam to become R-Phase Certified.",
        49900,
        None,
        "Assess a client's joint mobility, vision and balance\n"
        "Choose and dose the drills that change them\n"
        "Earn the R-Phase Certified certification, valid for two years",
        [
            ("The nervous system first", 10 * 60, True),
            ("Joint mobility assessment", 14 * 60, False),
            ("Vision and balance assessment", 13 * 60, False),
            ("Choosing the right drill", 12 * 60, False),
            ("Putting it together with a client", 16 * 60, False),
        ],
    ),
]

RENEWAL_COURSE_SLUG = "r-phase-renewal"
COURSES.append(
    (
        "R-Phase Renewal",
        RENEWAL_COURSE_SLUG,
        "Keep R-Phase Certified current: what is new in the method, and a case review. "
        "Completing it extends your certification by two years.",
        9900,
        None,
        "What changed in R-Phase assessments since you certified\n"
        "Review a client case from assessment to retest\n"
        "Renew your R-Phase Certified certification for two more years",
        [
            ("What is new in R-Phase", 9 * 60, True),
            ("Case review: from assessment to retest", 15 * 60, False),
            ("Updated drills for vision and balance", 12 * 60, False),
        ],
    )
)

DEMO_VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def guarantee() -> str:
    """The demo's guarantee, in step with the store's refund window (SHOP_REFUND_WINDOW_DAYS)."""
    days = settings.SHOP_REFUND_WINDOW_DAYS
    return (
        f"{days}-day money-back guarantee: if the course is not for you, write to us within "
        f"{days} days of buying it and we refund every cent."
    )


# The Balance Gym's modules: title, summary, the lessons in it (by title).
BALANCE_GYM_MODULES = [
    (
        "Start here",
        "How balance works and how to practise safely at home.",
        ["Welcome: how balance works", "Your three balance systems"],
    ),
    (
        "Eyes and inner ear",
        "Calm dizziness by training the reflexes that steady your gaze.",
        ["Gaze stabilisation drills", "Head turns while walking"],
    ),
    (
        "Feet and movement",
        "From standing still to walking backwards on uneven ground.",
        [
            "Single-leg stance, eyes open and closed",
            "Backward walking progressions",
            "Uneven ground and turns",
            "Your daily ten-minute plan",
        ],
    ),
]

INSTRUCTOR = {
    "name": "Dr. Maya Ellison",
    "headline": "Physical therapist and founder of Coachhouse",
    "bio": "Maya has helped people with dizziness and unsteady walking for fifteen years, "
    "first in a hospital vestibular clinic and now online.\n\n"
    "(Demo text: replace this biography and photo with your own in Snippets → Instructors.)",
    "credentials": "Doctor of Physical Therapy (DPT)\nVestibular rehabilitation certificate\n"
    "15 years of clinical practice",
}

# quote, author, detail, rating (None: a testimonial without a star rating)
BALANCE_GYM_TESTIMONIALS = [
    (
        "Two weeks in, I walk to the shop without holding on to anything. The drills are short "
        "enough that I actually do them.",
        "Carol M.",
        "retired teacher",
        5,
    ),
    (
        "The gaze drills took my motion sickness from daily to rare. Clear, calm videos.",
        "Jamal R.",
        "software developer",
        5,
    ),
    (
        "Good progressions; I wanted more on running, but my balance on trails is better.",
        "Sofia L.",
        "trail runner",
        4,
    ),
    (
        "I recommend it to clients between sessions.",
        "Ben A.",
        "personal trainer",
        None,
    ),
]

BALANCE_GYM_QUESTIONS = [
    (
        "How long do I have access?",
        "For as long as the course exists: buy once, watch on any device, come back any time.",
    ),
    (
        "I get dizzy easily. Is it safe?",
        "Every drill starts seated or holding a support, and the first module shows how to "
        "dose the practice.\n\nIf you have a diagnosed condition, ask your doctor first.",
    ),
    (
        "How much time does it take?",
        "About ten minutes a day. Each lesson is one short video and one drill to practise.",
    ),
    (
        "What if it is not for me?",
        "Write to us within {days} days of buying and we refund you in full.",
    ),
]


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


def _balance_gym_sales_page(course: CoursePage) -> None:
    """Modules (with the lessons moved into them), instructor, testimonials and FAQ."""
    instructor = Instructor.objects.filter(name=INSTRUCTOR["name"]).first()
    if instructor is None:
        instructor = Instructor.objects.create(
            **INSTRUCTOR,
            photo=demo_image(INSTRUCTOR["name"], ("#0f5c63", "#b9470b"), eyebrow="Instructor"),
        )
    course.instructor = instructor
    course.modules = [
        Module(title=title, summary=summary) for title, summary, _ in BALANCE_GYM_MODULES
    ]
    course.testimonials = [
        Testimonial(quote=quote, author=author, author_detail=detail, rating=rating)
        for quote, author, detail, rating in BALANCE_GYM_TESTIMONIALS
    ]
    course.questions = [
        CourseQuestion(
            question=question, answer=answer.format(days=settings.SHOP_REFUND_WINDOW_DAYS)
        )
        for question, answer in BALANCE_GYM_QUESTIONS
    ]
    course.save_revision().publish()
    modules = {module.title: module for module in Module.objects.filter(course_id=course.pk)}
    for title, _, lesson_titles in BALANCE_GYM_MODULES:
        for lesson in LessonPage.objects.child_of(course).filter(title__in=lesson_titles):
            lesson.module = modules[title]
            lesson.save_revision().publish()


# The Balance Gym's quiz: at the end of the "Eyes and inner ear" module, required to open
# "Feet and movement". Questions: (kind, text, [(answer, is correct, explanation)]).
BALANCE_GYM_QUIZ_LESSON = "Head turns while walking"
BALANCE_GYM_QUIZ = {
    "title": "Eyes and inner ear check",
    "pass_percent": 60,
    "max_attempts": 3,
    "cooldown_hours": 24,
    "is_required": True,
}
BALANCE_GYM_QUIZ_QUESTIONS = [
    (
        "single",
        "Which organ senses that your head is turning?",
        [
            ("The inner ear (vestibular system)", True, "Its canals sense rotation."),
            ("The knees", False, "The knees sense load and position, not head turns."),
            ("The stomach", False, "Nausea can follow dizziness, but it senses nothing."),
        ],
    ),
    (
        "multiple",
        "Which drills train the reflex that steadies your gaze? Tick every one.",
        [
            ("Head turns while looking at a fixed target", True, "The core gaze drill."),
            ("Walking with slow head turns", True, "The same reflex, on the move."),
            ("Calf raises", False, "Good for the feet, but the eyes are not involved."),
        ],
    ),
    (
        "single",
        "How should a drill feel?",
        [
            ("Mildly challenging, settling within a minute", True, "That dose trains the system."),
            ("As dizzy as you can bear", False, "Too much: back off and shorten the drill."),
        ],
    ),
]

# Pain-Free Posture's modules: (title, summary, days after enrolling, lessons by title).
POSTURE_MODULES = [
    (
        "Foundations",
        "How your brain maps your body, and the neck-and-eyes link.",
        None,
        ["Your brain's map of your body", "Neck and eyes: the hidden link"],
    ),
    (
        "Week two: the desk routine",
        "Released a week after you enrol, once the foundations have settled.",
        7,
        ["The desk routine"],
    ),
]


def _add_quiz(course: CoursePage, *, lesson_title: str, quiz: dict, questions: list) -> None:
    """A quiz on the course's lesson, once, through a revision as an editor would add it."""
    lesson = LessonPage.objects.child_of(course).filter(title=lesson_title).first()
    if lesson is None or Quiz.objects.filter(lesson=lesson).exists():
        return
    lesson.quizzes = [
        Quiz(
            **quiz,
            questions=[
                (
                    kind,
                    {
                        "question": text,
                        "choices": [
                            {"text": answer, "is_correct": correct, "explanation": why}
                            for answer, correct, why in choices
                        ],
                    },
                )
                for kind, text, choices in questions
            ],
        )
    ]
    lesson.save_revision().publish()


def _add_modules(course: CoursePage, modules: list) -> None:
    """The course's modules (title, summary, days after enrolling, lessons by title), once."""
    if course.modules.exists():
        return
    course.modules = [
        Module(title=title, summary=summary, opens_after_days=days)
        for title, summary, days, _ in modules
    ]
    course.save_revision().publish()
    by_title = {module.title: module for module in Module.objects.filter(course_id=course.pk)}
    for title, _, _, lesson_titles in modules:
        for lesson in LessonPage.objects.child_of(course).filter(title__in=lesson_titles):
            lesson.module = by_title[title]
            lesson.save_revision().publish()


# R-Phase Certification's modules: (title, summary, days after enrolling, lessons by title).
CERTIFICATION_MODULES = [
    (
        "Foundations",
        "Why R-Phase starts with the nervous system, and how to assess joint mobility.",
        None,
        ["The nervous system first", "Joint mobility assessment"],
    ),
    (
        "Assessment",
        "Vision and balance tests, and choosing the drill that changes what you found.",
        None,
        ["Vision and balance assessment", "Choosing the right drill"],
    ),
    (
        "Week two: practical and final exam",
        "Released a week after you enrol: a full client session, then the final exam.",
        7,
        ["Putting it together with a client"],
    ),
]
CERTIFICATION_QUIZ_LESSON = "Joint mobility assessment"
CERTIFICATION_QUIZ = {
    "title": "Foundations check",
    "pass_percent": 50,
    "max_attempts": 3,
    "cooldown_hours": 24,
    "is_required": True,
}
CERTIFICATION_QUIZ_QUESTIONS = [
    (
        "single",
        "What does an R-Phase assessment test first?",
        [
            ("How the nervous system responds to a movement", True, "The R-Phase premise."),
            ("Maximum strength", False, "Strength comes later, once movement is safe."),
        ],
    ),
    (
        "single",
        "A drill made the client's range of motion worse. What next?",
        [
            ("Drop it or change it, and retest", True, "Assess, drill, reassess."),
            ("Repeat it until it works", False, "A threat response is not trained away."),
        ],
    ),
]
CERTIFICATION_EXAM_LESSON = "Putting it together with a client"
CERTIFICATION_EXAM = {
    "title": "R-Phase final exam",
    "pass_percent": 80,
    "max_attempts": 2,
    "cooldown_hours": 72,
    "is_final_exam": True,
}
CERTIFICATION_EXAM_QUESTIONS = [
    (
        "single",
        "Which system steadies the gaze while the head turns?",
        [
            ("The vestibular system", True, "The vestibulo-ocular reflex."),
            ("The digestive system", False, "Not involved in gaze."),
        ],
    ),
    (
        "multiple",
        "Which belong in an R-Phase assessment? Tick every one.",
        [
            ("Joint mobility", True, "The first module."),
            ("Vision", True, "The second module."),
            ("Balance", True, "The second module."),
            ("A one-rep maximum lift", False, "Not part of R-Phase."),
        ],
    ),
    (
        "single",
        "When do you retest after a drill?",
        [
            ("Straight away, every time", True, "Reassessment shows the drill's effect."),
            ("At the next session", False, "Too late to know what the drill did."),
        ],
    ),
]


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
        for lesson_title, seconds, is_free in lessons:
            lesson = course.add_child(
                instance=LessonPage(
                    title=lesson_title,
                    duration_seconds=seconds,
                    is_free_preview=is_free,
                    video=[
                        (
                            "video",
                            {
                                "title": lesson_title,
                                "url": DEMO_VIDEO,
                                "duration": clock_label(seconds),
                            },
                        )
                    ],
                    body=f"<p>Follow along, then practise “{lesson_title}” daily this week.</p>",
                    resources=[("document", worksheet)]
                    if slug == "the-balance-gym" and not is_free
                    else [],
                )
            )
            lesson.save_revision().publish()
    for course in CoursePage.objects.filter(guarantee=""):
        course.guarantee = guarantee()
        course.save_revision().publish()
    balance_gym = CoursePage.objects.filter(slug="the-balance-gym").first()
    if balance_gym is not None and not balance_gym.modules.exists():
        _balance_gym_sales_page(balance_gym)
    if balance_gym is not None:
        _add_quiz(
            balance_gym,
            lesson_title=BALANCE_GYM_QUIZ_LESSON,
            quiz=BALANCE_GYM_QUIZ,
            questions=BALANCE_GYM_QUIZ_QUESTIONS,
        )
    posture = CoursePage.objects.filter(slug="pain-free-posture").first()
    if posture is not None:
        _add_modules(posture, POSTURE_MODULES)
    certification_course = CoursePage.objects.filter(slug=CERTIFICATION_COURSE_SLUG).first()
    if certification_course is not None:
        _add_modules(certification_course, CERTIFICATION_MODULES)
        _add_quiz(
            certification_course,
            lesson_title=CERTIFICATION_QUIZ_LESSON,
            quiz=CERTIFICATION_QUIZ,
            questions=CERTIFICATION_QUIZ_QUESTIONS,
        )
        _add_quiz(
            certification_course,
            lesson_title=CERTIFICATION_EXAM_LESSON,
            quiz=CERTIFICATION_EXAM,
            questions=CERTIFICATION_EXAM_QUESTIONS,
        )
    stdout.write(
        f"Courses: {CoursePage.objects.count()} at /courses/"
        " (The Balance Gym at /courses/the-balance-gym/)"
    )
