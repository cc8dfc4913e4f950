from django.http import HttpResponseForbidden
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from courses.selectors import document_is_open_to
from courses.viewsets import InstructorViewSet

register_snippet(InstructorViewSet)


@hooks.register("before_serve_document")
def guard_lesson_documents(document, request):
    """A paid lesson's files are served only to people who may see that lesson, on every request."""
    if not document_is_open_to(user=request.user, document=document):
        return HttpResponseForbidden(
            "This file belongs to a course lesson. Enrol in the course to download it."
        )
    return None
