from django import forms
from django.template.defaultfilters import filesizeformat


class JobUploadForm(forms.Form):
    """The upload a background job will work on, checked as far as can be done at once: its
    type by name, its size, and whatever `check_data` can tell from the bytes. The bytes are
    kept on `data_bytes` for the job; the items in them are the job's to report on.

    A subclass declares the `file` field and sets `suffixes`, `max_bytes` and `too_big_hint`."""

    suffixes: tuple[str, ...] = ()
    max_bytes: int = 0
    too_big_hint = ""

    def wrong_type_message(self, name: str) -> str:
        return f"Upload a {' or '.join(self.suffixes)} file, not {name!r}."

    def check_data(self, data: bytes, *, name: str) -> None:
        """Raise ValidationError if the bytes are not what the job can read."""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(self.suffixes):
            raise forms.ValidationError(self.wrong_type_message(upload.name))
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the limit is "
                f"{filesizeformat(self.max_bytes)}. {self.too_big_hint}".rstrip()
            )
        data = upload.read()
        self.check_data(data, name=upload.name.lower())
        self.data_bytes = data
        return upload
