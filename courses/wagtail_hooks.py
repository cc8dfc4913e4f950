from django.http import HttpResponseForbidden
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from courses.selectors import document_access
from courses.viewsets import InstructorViewSet

register_snippet(InstructorViewSet)


@hooks.register("before_serve_document")
def guard_lesson_documents(document, request):
    """A paid lesson's files are served only to people who may see that lesson, on every request.

    A learner whose lesson is not released yet gets the lesson's "opens on" page instead."""
    access = document_access(user=request.user, document=document)
    if access.is_open:
        return None
    if access.lesson is not None and not access.needs_enrollment:
        response = render(
            request,
            "courses/lesson_locked.html",
            {"lesson": access.lesson, "course": access.lesson.course, "access": access},
            status=403,
        )
        add_never_cache_headers(response)
        return response
    return HttpResponseForbidden(
        "This file belongs to a course lesson. Enrol in the course to download it."
    )
