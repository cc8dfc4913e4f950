"""Course pages that are not Wagtail pages: "My courses" and marking a lesson complete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from courses.exceptions import CourseError
from courses.models import LessonPage
from courses.selectors import user_library
from courses.services import lesson_mark_complete


@login_required
@require_GET
def library(request):
    """ "My courses": what the user may watch, with progress and where to pick up."""
    response = render(request, "courses/library.html", {"entries": user_library(user=request.user)})
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def lesson_complete(request, lesson_id):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        lesson_mark_complete(user=request.user, lesson=lesson)
    except CourseError as exc:
        messages.error(request, str(exc))
        return redirect(lesson.get_parent().url)
    messages.success(request, f"“{lesson.title}” marked complete.")
    return redirect(lesson.url)
