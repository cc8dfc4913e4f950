from django import forms
from django.http import QueryDict
from wagtail.admin.forms import WagtailAdminModelForm

from website.jobs.forms import JobUploadForm

from .exceptions import ImportRejected, InvalidCoordinates, PlaceNotFound
from .geocoding import checked_point, geocode_address, parse_coordinates
from .models import ProfileChange
from .services import trainer_import_check_columns

RADII = (10, 25, 50, 100, 250)
DEFAULT_RADIUS = 50
_ADDRESS_FIELDS = ("city", "region", "postal_code", "country")


def page_number(raw: str | None) -> int | None:
    """A page number from a query string: 1 to 999999 in ASCII digits, else None.

    Checked as text first: int() would accept "²" or " 7 " and choke on 5,000 digits.
    """
    if raw and len(raw) <= 6 and raw.isascii() and raw.isdigit() and int(raw) > 0:
        return int(raw)
    return None


def _lenient_choice(value, choices, default):
    """A value from `choices`, or the default for anything else (typos, tampering)."""
    return value if value in choices else default


class TrainerSearchForm(forms.Form):
    """The directory's search. Radius, unit and filters forgive bad values (the defaults
    apply); a location that is not a point on Earth is an error on the form.

    `cleaned_data["near"]` is a (lat, lng) pair when the visitor gave coordinates, either
    from "Use my location" (lat/lng fields) or typed as "lat,lng" in the `q` field.
    """

    q = forms.CharField(label="Where", required=False, max_length=200)
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lng = forms.CharField(required=False, widget=forms.HiddenInput)
    # Plain text on purpose: any value is accepted and cleaned to one of the choices.
    radius = forms.CharField(required=False)
    unit = forms.CharField(required=False)
    certification = forms.CharField(required=False, label="Certification", widget=forms.Select)
    specialty = forms.CharField(required=False, label="Specialty", widget=forms.Select)
    online = forms.BooleanField(required=False, label="Online coaching only")

    def __init__(self, *args, certifications=(), specialties=(), default_unit="mi", **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.default_unit = default_unit
        self.certification_slugs = {slug for slug, _ in certifications}
        self.specialty_slugs = {slug for slug, _ in specialties}
        self.fields["certification"].widget.choices = [("", "Any certification"), *certifications]
        self.fields["specialty"].widget.choices = [("", "Any specialty"), *specialties]

    def clean_radius(self) -> int:
        raw = self.cleaned_data["radius"].strip()
        return int(raw) if raw in {str(r) for r in RADII} else DEFAULT_RADIUS

    def clean_unit(self) -> str:
        return _lenient_choice(self.cleaned_data["unit"], {"mi", "km"}, self.default_unit)

    def clean_certification(self) -> str:
        return _lenient_choice(self.cleaned_data["certification"], self.certification_slugs, "")

    def clean_specialty(self) -> str:
        return _lenient_choice(self.cleaned_data["specialty"], self.specialty_slugs, "")

    def clean(self):
        data = super().clean()
        data["near"] = None
        lat, lng = data.get("lat", "").strip(), data.get("lng", "").strip()
        try:
            if lat or lng:
                try:
                    data["near"] = checked_point(float(lat), float(lng))
                except ValueError:
                    raise InvalidCoordinates(
                        "Your location must be a latitude and a longitude."
                    ) from None
            elif data.get("q"):
                point = parse_coordinates(data["q"])
                if point is not None:
                    data["near"] = (point.latitude, point.longitude)
        except InvalidCoordinates as exc:
            self.add_error("q", str(exc))
        return data

    def as_query(self, **changes) -> str:
        """The current search as a query string, with some parameters changed (links)."""
        query = QueryDict(mutable=True)
        for name in ("q", "lat", "lng", "radius", "unit", "certification", "specialty", "online"):
            value = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
            if value not in (None, "", False):
                query[name] = "1" if value is True else str(value)
        for name, value in changes.items():
            query[name] = str(value)
        return query.urlencode()


def _single_line(value: str) -> None:
    # The name goes into the e-mail's subject, where a line break is refused (BadHeaderError).
    if any(c in value for c in "\r\n\u2028\u2029\x0b\x0c\x85"):
        raise forms.ValidationError("Keep this on one line.", code="multiline")


class ContactForm(forms.Form):
    name = forms.CharField(
        max_length=120,
        label="Your name",
        validators=[_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Your email",
        validators=[_single_line],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    message = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by form-filling bots.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class TrainerAdminForm(WagtailAdminModelForm):
    """Fills in latitude/longitude from the address when they are empty, or when the
    address changed and the coordinates did not; a place the geocoder does not know is
    an error on the city field, so the editor can correct it or give coordinates."""

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", "Give both latitude and longitude, or leave both empty.")
        coordinates_given = data.get("latitude") is not None and data.get("longitude") is not None
        address_moved = any(name in self.changed_data for name in _ADDRESS_FIELDS)
        coordinates_moved = "latitude" in self.changed_data or "longitude" in self.changed_data
        if self.errors or (coordinates_given and not (address_moved and not coordinates_moved)):
            return data
        try:
            place = geocode_address(
                city=data.get("city", ""),
                region=data.get("region", ""),
                postal_code=data.get("postal_code", ""),
                country=data.get("country", "US"),
            )
        except PlaceNotFound:
            self.add_error(
                "city",
                "We couldn't find this address's location. Check the city, region, ZIP code and "
                "country, or enter latitude and longitude yourself.",
            )
            return data
        data["latitude"], data["longitude"] = place.latitude, place.longitude
        return data


class ProfileChangeForm(forms.ModelForm):
    """What a trainer may change about their own profile (the rest is the editors')."""

    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = ProfileChange
        fields = ["bio", "website", "phone", "specialties", "offers_online"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"specialties": "Separate them with commas, e.g. Back pain, Balance, Running."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


class TrainerProfileCreateForm(ProfileChangeForm):
    """A certified customer's first trainer profile: who and where (kept on the profile at
    once, unpublished) and what the editors review before it is published."""

    name = forms.CharField(max_length=120, help_text="As it should appear in Find a Trainer.")
    city = forms.CharField(max_length=100)
    region = forms.CharField(max_length=100, required=False, label="State or region")
    postal_code = forms.CharField(max_length=20, required=False, label="ZIP or postal code")
    country = forms.CharField(
        max_length=2, initial="US", help_text="Two-letter code, e.g. US or GB."
    )

    field_order = ["name", "city", "region", "postal_code", "country"]

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].strip().upper()
        if not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise forms.ValidationError("Use the two-letter country code, e.g. US or GB.")
        return country


class ProfileChangeReviewForm(WagtailAdminModelForm):
    # The revision the editor has in front of them; the review applies to that one or none.
    revision = forms.IntegerField(
        widget=forms.NumberInput(attrs={"readonly": True}),
        help_text="The revision you are reviewing; if the trainer sends changes again, "
        "this one is replaced and cannot be approved.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revision"].initial = self.instance.pk

    def clean_status(self):
        if self.cleaned_data["status"] == ProfileChange.Status.PENDING:
            raise forms.ValidationError("Choose Approved or Rejected.")
        return self.cleaned_data["status"]


# 2,000 trainers with long bios are well under 2 MB; anything much larger is not a trainer list.
MAX_IMPORT_BYTES = 10 * 1024 * 1024


class TrainerImportForm(JobUploadForm):
    """The upload: a UTF-8 CSV of at most MAX_IMPORT_BYTES with the required columns. The rows
    themselves are checked by the import job, which reports them by line."""

    suffixes = (".csv",)
    max_bytes = MAX_IMPORT_BYTES
    too_big_hint = "Split it into smaller files."

    file = forms.FileField(
        label="CSV file",
        help_text=(
            "UTF-8 CSV with a header row, at most 10 MB; rows are matched to trainers by "
            "external_id."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def wrong_type_message(self, name: str) -> str:
        return f"Upload a .csv file (in a spreadsheet: Save As → CSV UTF-8), not {name!r}."

    def check_data(self, data: bytes, *, name: str) -> None:
        if b"\x00" in data:
            raise forms.ValidationError(
                "This is not a CSV file (it holds binary data). Save it as CSV UTF-8."
            )
        try:
            trainer_import_check_columns(data=data)
        except ImportRejected as exc:
            raise forms.ValidationError([reason for _, reason in exc.errors]) from None
