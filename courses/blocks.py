"""StreamField blocks of course content: a quiz's questions and their choices.

Every question (a stream child) and every choice (a list item) carries the id Wagtail gives it
and keeps while an editor reorders, rewords or adds beside it. Attempts store those ids, never
positions, so an attempt still names the answers the learner chose after the quiz is edited.
"""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

MIN_CHOICES = 2


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300, label="Answer")
    is_correct = blocks.BooleanBlock(required=False, label="Correct answer")
    explanation = blocks.TextBlock(
        required=False,
        max_length=1000,
        help_text="Shown after submitting, to a learner who chose this answer.",
    )

    class Meta:
        icon = "radio-full"
        label = "Choice"


class QuestionBlock(blocks.StructBlock):
    """A question and its choices. `multiple`: the learner ticks every correct choice (and
    only those) to get it right; otherwise exactly one choice is correct."""

    question = blocks.CharBlock(max_length=500)
    choices = blocks.ListBlock(ChoiceBlock(), min_num=MIN_CHOICES, collapsed=False)

    def __init__(self, *args, multiple: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.multiple = multiple

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return path, args, {**kwargs, "multiple": self.multiple}

    class Meta:
        icon = "help"

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for choice in value["choices"] if choice["is_correct"])
        problem = None
        if len(value["choices"]) < MIN_CHOICES:
            problem = f"Give at least {MIN_CHOICES} choices."
        elif self.multiple and correct == 0:
            problem = "Tick at least one correct answer."
        elif not self.multiple and correct != 1:
            problem = "Tick exactly one correct answer (or make this a multiple-choice question)."
        if problem:
            raise StructBlockValidationError(non_block_errors=ErrorList([ValidationError(problem)]))
        return value


def quiz_question_blocks() -> list[tuple[str, QuestionBlock]]:
    return [
        ("single", QuestionBlock(label="Single-choice question")),
        ("multiple", QuestionBlock(multiple=True, label="Multiple-choice question")),
    ]
