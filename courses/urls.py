from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("account/courses/", views.library, name="library"),
    path("learn/lessons/<int:lesson_id>/complete/", views.lesson_complete, name="lesson_complete"),
    path("learn/quizzes/<int:quiz_id>/attempts/", views.quiz_submit, name="quiz_submit"),
]
