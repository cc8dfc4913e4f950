from django.urls import path
from wagtail import hooks

from .views import JobDetailView, job_status


@hooks.register("register_admin_urls")
def register_job_urls():
    return [
        path("jobs/<int:pk>/", JobDetailView.as_view(), name="jobs_detail"),
        path("jobs/<int:pk>/status.json", job_status, name="jobs_status"),
    ]
