"""Course page factories; pages attach to the tree under the `parent` they are given."""

import factory

from courses.models import CoursePage, LessonPage


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
