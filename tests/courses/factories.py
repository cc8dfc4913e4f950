"""Course page factories; pages attach to the tree under the `parent` they are given."""

import factory

from courses.models import (
    CoursePage,
    CourseQuestion,
    Instructor,
    LessonPage,
    Module,
    Quiz,
    Testimonial,
)


class _PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, parent, live=True, **kwargs):
        page = parent.add_child(instance=model_class(**kwargs))
        if live:
            page.save_revision().publish()
        else:
            page.unpublish()
        page.refresh_from_db()
        return page


class CoursePageFactory(_PageFactory):
    title = factory.Sequence(lambda n: f"Course {n}")
    summary = "A course about moving better."
    price_cents = 10000

    class Meta:
        model = CoursePage


class LessonPageFactory(_PageFactory):
    title = factory.Sequence(lambda n: f"Lesson {n}")
    duration_seconds = 600

    class Meta:
        model = LessonPage


class InstructorFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Coach {n}")
    headline = "Physical therapist"
    bio = "Fifteen years in a vestibular clinic.\n\nNow teaching online."
    credentials = "Doctor of Physical Therapy\nVestibular rehabilitation certificate"

    class Meta:
        model = Instructor


class ModuleFactory(factory.django.DjangoModelFactory):
    """A module of `course` (an Orderable child row; it counts once the course is live)."""

    title = factory.Sequence(lambda n: f"Part {n}")
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = Module


class CourseTestimonialFactory(factory.django.DjangoModelFactory):
    quote = "My balance is better than it has been in years."
    author = factory.Sequence(lambda n: f"Student {n}")
    author_detail = "retired teacher"
    rating = 5
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = Testimonial


class CourseQuestionFactory(factory.django.DjangoModelFactory):
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer = "Yes."
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = CourseQuestion


def quiz_question(text: str, *choices: tuple[str, bool, str], multiple: bool = False):
    """A question for QuizFactory's `questions`: choices as (text, is correct, explanation)."""
    return (
        "multiple" if multiple else "single",
        {
            "question": text,
            "choices": [
                {"text": answer, "is_correct": correct, "explanation": explanation}
                for answer, correct, explanation in choices
            ],
        },
    )


class QuizFactory(factory.django.DjangoModelFactory):
    """A quiz on `lesson`: by default two questions, one single and one multiple choice.

    Saved and read back, so its questions and choices carry the ids Wagtail stored.
    """

    title = "Check your understanding"
    questions = factory.LazyFunction(
        lambda: [
            quiz_question(
                "Which system senses head turns?",
                ("The inner ear", True, "The vestibular organs sense rotation."),
                ("The knees", False, "Knees sense load, not head turns."),
            ),
            quiz_question(
                "Which drills steady your gaze?",
                ("Head turns with a fixed target", True, "That trains the reflex."),
                ("Pencil push-ups", True, "Convergence helps focus."),
                ("Calf raises", False, "Good for feet, not for gaze."),
                multiple=True,
            ),
        ]
    )
    pass_percent = 100
    max_attempts = 3
    cooldown_hours = 24

    class Meta:
        model = Quiz

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        quiz = super()._create(model_class, *args, **kwargs)
        return model_class.objects.get(pk=quiz.pk)
