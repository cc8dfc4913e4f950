"""Domain errors about courses; views turn them into messages."""

from django.utils import dateformat, timezone

# How a moment is written for the visitor by the server, in the site's time zone; the page's
# script (static/js/local-time.js) rewrites it in the browser's own time zone.
SITE_DATETIME_FORMAT = "j F Y, H:i T"


class CourseError(Exception):
    """A refusal the visitor may read."""


class LessonNotOpen(CourseError):
    def __init__(self):
        super().__init__("Enrol in the course to track this lesson.")


class LessonLocked(CourseError):
    """The learner is enrolled but the lesson is not released yet: `opens_at` (drip) or a
    required `quiz` of an earlier module to pass first."""

    def __init__(self, *, opens_at=None, quiz=None):
        self.opens_at, self.quiz = opens_at, quiz
        if opens_at is not None:
            when = dateformat.format(timezone.localtime(opens_at), SITE_DATETIME_FORMAT)
            message = f"This lesson is not open yet. It opens on {when}."
        elif quiz is not None:
            message = (
                f"Pass “{quiz.title}” (at the end of “{quiz.lesson.title}”) to open this lesson."
            )
        else:
            message = "This lesson is not open yet."
        super().__init__(message)


class QuizError(CourseError):
    """A quiz attempt that was refused; nothing was recorded."""


class QuizNotOpen(QuizError):
    def __init__(self):
        super().__init__("Enrol in the course (and reach this lesson) to take its quiz.")


class QuizAlreadyPassed(QuizError):
    def __init__(self):
        super().__init__("You have passed this quiz already.")


class QuizFormStale(QuizError):
    """Another submission took this attempt's place (another tab, a reused form)."""

    def __init__(self):
        super().__init__("This quiz form was used already. Here is the quiz again.")


class QuizAttemptsUsed(QuizError):
    """Every attempt of the round is used; `next_attempt_at` is when the next one opens."""

    def __init__(self, next_attempt_at):
        self.next_attempt_at = next_attempt_at
        when = dateformat.format(timezone.localtime(next_attempt_at), SITE_DATETIME_FORMAT)
        super().__init__(
            f"You have used all your attempts for now. Your next attempt opens on {when}."
        )
