"""A job's admin page (progress bar, then its report) and the JSON it polls."""

from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .exceptions import JobAlreadyRunning
from .models import Job
from .registry import get_job_kind
from .selectors import job_visible_to
from .services import STALE_AFTER, job_start, jobs_fail_stale


def _job_for(request, pk: int) -> Job:
    jobs_fail_stale()
    job = get_object_or_404(Job, pk=pk)
    if not job_visible_to(job=job, user=request.user):
        raise Http404("No such job.")
    return job


def job_state(job: Job) -> dict:
    """What the progress page shows, as its poller reads it."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "finished": job.is_finished,
        "progress": job.progress,
        "total": job.total,
        "percent": job.percent,
        "phase": job.phase,
        "message": job.message,
        "updated_at": timezone.localtime(job.updated_at).isoformat(),
        "updated_time": timezone.localtime(job.updated_at).strftime("%H:%M:%S"),
    }


class JobUploadMixin:
    """For an admin FormView whose valid upload (a JobUploadForm) starts a job of `kind`: it
    goes to the job's page, or, if an exclusive job of that kind is unfinished, back to the
    form saying so, with a link to that job."""

    kind: str

    def job_params(self, form) -> dict:
        return {}

    def form_valid(self, form):
        try:
            job = job_start(
                kind=self.kind,
                user=self.request.user,
                data=form.data_bytes,
                filename=form.cleaned_data["file"].name,
                params=self.job_params(form),
            )
        except JobAlreadyRunning as exc:
            form.add_error(None, str(exc))
            return self.render_to_response(
                self.get_context_data(form=form, already_running=exc.job)
            )
        return HttpResponseRedirect(job.get_absolute_url())


class JobDetailView(WagtailAdminTemplateMixin, TemplateView):
    """A job's page: while it runs, a progress bar that static/js/job-progress.js keeps up to
    date (and reloads the page when it ends); once finished, the kind's report."""

    template_name = "jobs/admin/job_detail.html"
    header_icon = "time"

    def dispatch(self, request, *args, pk, **kwargs):
        self.job = _job_for(request, pk)
        self.kind = get_job_kind(self.job.kind)
        return super().dispatch(request, *args, pk=pk, **kwargs)

    def get_page_title(self):
        return f"{self.kind.label} #{self.job.pk}"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        job = self.job
        start_url = ""
        if self.kind.start_url_name:
            try:
                start_url = reverse(self.kind.start_url_name)
            except NoReverseMatch:
                start_url = ""
        return {
            **super().get_context_data(**kwargs),
            "job": job,
            "kind": self.kind,
            "report": job.report,
            "start_url": start_url,
            "status_url": reverse("jobs_status", kwargs={"pk": job.pk}),
            "stale_minutes": STALE_AFTER.seconds // 60,
        }


def job_status(request, pk: int):
    """GET the job's progress as JSON (never cached): what job-progress.js polls."""
    response = JsonResponse(job_state(_job_for(request, pk)))
    response["Cache-Control"] = "no-store"
    return response
