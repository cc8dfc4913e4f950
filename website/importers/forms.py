from django import forms
from django.template.defaultfilters import filesizeformat

from website.importers.exceptions import ImportFileRejected
from website.importers.jobs import EXPORT_SUFFIX, WORDPRESS_IMPORT, zip_contents
from website.importers.woocommerce import woocommerce_parse
from website.importers.wordpress import DEFAULT_EPISODE_CATEGORY, wxr_parse
from website.jobs.forms import JobUploadForm

# The upload is held in memory and in private storage until the job has run.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ImportUploadForm(JobUploadForm):
    """The export (or a .zip of it with the uploads folder), checked as far as can be done
    at once: type, size, and for a bare export that it parses. The items are the job's."""

    max_bytes = MAX_UPLOAD_BYTES
    too_big_hint = "Upload the export alone, or fewer files."

    file = forms.FileField(label="Export file")
    dry_run = forms.BooleanField(
        label="Dry run",
        required=False,
        help_text="Do everything and show the report, then roll it all back.",
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.suffix = EXPORT_SUFFIX[kind]
        self.suffixes = (self.suffix, ".zip")
        what = "WordPress export (.xml)" if kind == WORDPRESS_IMPORT else "product CSV"
        self.fields["file"].help_text = (
            f"The {what}, or a .zip holding it and the uploads folder (wp-content/uploads), "
            f"at most {filesizeformat(self.max_bytes)}. Nothing is fetched from the old site."
        )
        self.fields["file"].widget.attrs["accept"] = f"{self.suffix},.zip"
        if kind == WORDPRESS_IMPORT:
            self.fields["episode_category"] = forms.CharField(
                label="Episode category",
                required=False,
                initial=DEFAULT_EPISODE_CATEGORY,
                help_text="Posts in this category (or titled '… – Episode 403') become episodes.",
            )

    def wrong_type_message(self, name: str) -> str:
        return f"Upload a {self.suffix} export or a .zip archive, not {name!r}."

    def check_data(self, data: bytes, *, name: str) -> None:
        try:
            if name.endswith(".zip"):
                zip_contents(data, suffix=self.suffix)
            elif self.kind == WORDPRESS_IMPORT:
                wxr_parse(data)
            else:
                woocommerce_parse(data)
        except ImportFileRejected as exc:
            raise forms.ValidationError(str(exc)) from None
