"""Domain errors about courses; views turn them into messages."""


class CourseError(Exception):
    """A refusal the visitor may read."""


class LessonNotOpen(CourseError):
    def __init__(self):
        super().__init__("Enrol in the course to track this lesson.")
