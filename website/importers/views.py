from django.core.exceptions import PermissionDenied
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from website.importers.forms import ImportUploadForm
from website.importers.jobs import PERMISSION, WORDPRESS_IMPORT
from website.jobs.registry import get_job_kind
from website.jobs.selectors import jobs_recent
from website.jobs.views import JobUploadMixin


class ImportUploadView(JobUploadMixin, WagtailAdminTemplateMixin, FormView):
    """The admin upload of a WordPress or WooCommerce export: checked at once, then imported
    by a background job whose page shows the progress and then the report."""

    kind = WORDPRESS_IMPORT
    header_icon = "upload"
    template_name = "importers/admin/import_upload.html"
    form_class = ImportUploadForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return get_job_kind(self.kind).label

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.kind}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "kind": self.kind,
            "recent_jobs": jobs_recent(kind=self.kind, user=self.request.user),
        }

    def job_params(self, form) -> dict:
        params = {"dry_run": form.cleaned_data["dry_run"]}
        if "episode_category" in form.cleaned_data:
            params["episode_category"] = form.cleaned_data["episode_category"]
        return params
