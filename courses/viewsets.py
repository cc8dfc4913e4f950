"""Course admin beyond the page tree: instructors, a snippet chosen on each course."""

from wagtail.snippets.views.snippets import SnippetViewSet

from courses.models import Instructor


class InstructorViewSet(SnippetViewSet):
    model = Instructor
    icon = "user"
    menu_label = "Instructors"
    list_display = ["name", "headline"]
    search_fields = ["name"]
