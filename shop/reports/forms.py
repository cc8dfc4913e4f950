"""The Sales dashboard's period: a preset or two dates, and how finely to chart it."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone

from .selectors import Period

PRESETS = [
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("this_month", "This month"),
    ("last_month", "Last month"),
    ("this_year", "This year"),
    ("last_year", "Last year"),
    ("custom", "Custom dates"),
]
GRANULARITY_CHOICES = [("auto", "Automatic"), ("day", "Day"), ("week", "Week"), ("month", "Month")]
DEFAULT_PRESET = "30d"
# Charting more than this many days at once is not a dashboard any more (and costs the database).
MAX_DAYS = 3 * 366
# More bars than this per day would be a smear: longer periods are charted by week or month.
MAX_DAY_BARS = 93


def preset_range(preset: str, today: date) -> tuple[date, date]:
    """The first and last day (inclusive) a preset means, seen from `today`."""
    if preset in {"7d", "30d", "90d"}:
        return today - timedelta(days=int(preset[:-1]) - 1), today
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == "this_year":
        return today.replace(month=1, day=1), today
    if preset == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    raise ValueError(preset)


def auto_granularity(start: date, end: date) -> str:
    days = (end - start).days + 1
    return "day" if days <= 62 else "week" if days <= 26 * 7 else "month"


class PeriodForm(forms.Form):
    preset = forms.ChoiceField(choices=PRESETS, required=False, label="Period")
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    granularity = forms.ChoiceField(choices=GRANULARITY_CHOICES, required=False, label="Chart by")

    def clean(self):
        data = super().clean()
        preset = data.get("preset") or ""
        start, end = data.get("start"), data.get("end")
        if preset == "custom" or (not preset and (start or end)):
            if not (start and end):
                raise forms.ValidationError("Give both dates, or choose a preset period.")
            if end < start:
                raise forms.ValidationError("The end date is before the start date.")
            if (end - start).days + 1 > MAX_DAYS:
                raise forms.ValidationError(
                    f"Choose at most {MAX_DAYS} days (about three years) at a time."
                )
            data["preset"] = "custom"
        return data

    def period(self, *, today: date | None = None) -> Period:
        """The period asked for; the default (last 30 days) when the form is empty or invalid."""
        today = today or timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        preset = data.get("preset") or DEFAULT_PRESET
        if preset == "custom":
            start, end = data["start"], data["end"]
        else:
            start, end = preset_range(preset, today)
        granularity = data.get("granularity") or "auto"
        if granularity == "auto" or (granularity == "day" and (end - start).days >= MAX_DAY_BARS):
            granularity = auto_granularity(start, end)
        return Period(start=start, end=end, granularity=granularity)
