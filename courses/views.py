"""Course pages that are not Wagtail pages: "My courses", marking a lesson complete, and
submitting a quiz."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from courses.exceptions import CourseError, QuizError
from courses.forms import QuizForm
from courses.models import LessonPage, Quiz
from courses.selectors import lesson_access, quiz_questions, user_library
from courses.services import lesson_mark_complete, quiz_attempt_submit


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


@login_required
@require_POST
def quiz_submit(request, quiz_id):
    """Mark a learner's answers. Not someone who may open the lesson: 403 (the lesson's
    locked page). Answers that are not the question's own choices: the lesson again with the
    form's errors, nothing recorded. A refusal (attempts used, passed): a message saying why
    and when the next attempt opens. Otherwise back to the lesson's quiz, showing the result."""
    quiz = get_object_or_404(Quiz.objects.select_related("lesson"), pk=quiz_id, lesson__live=True)
    lesson = quiz.lesson
    access = lesson_access(user=request.user, lesson=lesson)
    if not access.is_open:
        response = render(
            request,
            "courses/lesson_locked.html",
            {"page": lesson, "lesson": lesson, "course": lesson.course, "access": access},
            status=403,
        )
        add_never_cache_headers(response)
        return response
    form = QuizForm(request.POST, questions=quiz_questions(quiz=quiz))
    if not form.is_valid():
        response = lesson.serve(request, quiz_form=form)
        response.status_code = 400
        return response
    try:
        quiz_attempt_submit(
            user=request.user, quiz=quiz, answers=form.answers(), token=form.cleaned_data["token"]
        )
    except QuizError as exc:
        messages.error(request, str(exc))
    return redirect(f"{lesson.url}#quiz")
