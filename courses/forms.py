"""Course forms: the lesson editor (duration as minutes and seconds, its module) and a
learner's quiz answers."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm

MAX_LESSON_SECONDS = 24 * 60 * 60 - 1  # under a day: anything longer is a typo


class MinutesSecondsWidget(forms.MultiWidget):
    """Two number boxes, minutes and seconds, each with its own accessible label."""

    def __init__(self, attrs=None):
        super().__init__(
            [
                forms.NumberInput(
                    attrs={"min": 0, "step": 1, "aria-label": "Minutes", "placeholder": "min"}
                ),
                forms.NumberInput(
                    attrs={"min": 0, "max": 59, "aria-label": "Seconds", "placeholder": "s"}
                ),
            ],
            attrs,
        )

    def decompress(self, value):
        if value in (None, ""):
            return [None, None]
        minutes, seconds = divmod(int(value), 60)
        return [minutes, seconds]


class MinutesSecondsField(forms.MultiValueField):
    """A duration typed as minutes and seconds (either may be left empty), cleaned to seconds.

    Seconds must be 0 to 59 (whole minutes go in the minutes box), nothing may be negative and
    the total stays under a day.
    """

    widget = MinutesSecondsWidget

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        fields = (
            forms.IntegerField(
                required=False,
                min_value=0,
                error_messages={"min_value": "Minutes cannot be negative."},
            ),
            forms.IntegerField(
                required=False,
                min_value=0,
                max_value=59,
                error_messages={
                    "min_value": "Seconds cannot be negative.",
                    "max_value": "Seconds must be between 0 and 59; put whole minutes in "
                    "the minutes box.",
                },
            ),
        )
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list) -> int:
        if not data_list:
            return 0
        minutes, seconds = (value or 0 for value in data_list)
        total = minutes * 60 + seconds
        if total > MAX_LESSON_SECONDS:
            raise ValidationError("A lesson must be shorter than a day.")
        return total


class LessonPageForm(WagtailAdminPageForm):
    """The lesson editor: duration in minutes and seconds, module from its own course only."""

    duration_seconds = MinutesSecondsField(
        label="Duration",
        required=False,
        help_text="Minutes and seconds of the lesson's video, e.g. 12 and 30.",
    )

    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, parent_page=parent_page, **kwargs)
        if "module" not in self.fields:
            return
        from courses.models import Module

        course = parent_page
        if course is None and self.instance.pk:
            course = self.instance.get_parent()
        self.fields["module"].queryset = (
            Module.objects.filter(course_id=course.pk) if course else Module.objects.none()
        )
        self.fields["module"].empty_label = "No module"

    def clean_duration_seconds(self) -> int:
        return self.cleaned_data.get("duration_seconds") or 0


class OneAnswerRadioSelect(forms.RadioSelect):
    """Radio buttons that hand a tampered post with several answers on as they came (a list,
    which no choice matches), instead of silently keeping the last one."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        values = [value for value in values if value is not None]
        if len(values) == 1:
            return values[0]
        return values or None


class QuizForm(forms.Form):
    """A learner's answers: one field per question, named by the question's stable id, whose
    choices are that question's choice ids (so an id from elsewhere is a form error), and the
    attempt's token, fresh on every form shown, that makes a double submit count once.

    Built from the questions without their answer key: nothing here says which is correct.
    """

    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, questions, **kwargs):
        kwargs.setdefault("initial", {"token": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            field_class, widget = (
                (forms.MultipleChoiceField, forms.CheckboxSelectMultiple)
                if question.is_multiple
                else (forms.ChoiceField, OneAnswerRadioSelect)
            )
            self.fields[self.field_name(question)] = field_class(
                label=question.text,
                choices=[(choice.id, choice.text) for choice in question.choices],
                widget=widget,
                help_text="Choose every answer that applies." if question.is_multiple else "",
                error_messages={
                    "required": "Choose an answer.",
                    "invalid_choice": "That answer is not one of this question's choices.",
                },
            )

    @staticmethod
    def field_name(question) -> str:
        return f"question-{question.id}"

    def question_fields(self):
        return [self[self.field_name(question)] for question in self.questions]

    def answers(self) -> dict[str, list[str]]:
        """Question id → the chosen choice ids (valid forms only)."""
        result = {}
        for question in self.questions:
            value = self.cleaned_data[self.field_name(question)]
            result[question.id] = sorted(value) if isinstance(value, list) else [value]
        return result
