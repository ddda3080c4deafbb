"""The answer form of a questionnaire, and the feedback form.

The server decides which questions are shown: a conditional question counts
only when its condition's answer holds; otherwise its answer is dropped and it
is not required. The page's script only mirrors that rule while a person types.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.questionnaires.models import Feedback, Question

TEXT_MAX_LENGTH = 5000


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def _field_for(question: Question, language: str) -> forms.Field:
    label = question.text_in(language)
    choices = list(enumerate(question.choice_labels(language)))
    if question.kind == Question.Kind.SINGLE:
        return forms.TypedChoiceField(
            label=label, choices=choices, coerce=int, required=False, widget=forms.RadioSelect
        )
    if question.kind == Question.Kind.MULTIPLE:
        return forms.TypedMultipleChoiceField(
            label=label,
            choices=choices,
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
    if question.kind == Question.Kind.RATING:
        return forms.TypedChoiceField(
            label=label,
            choices=[(n, str(n)) for n in range(1, 6)],
            coerce=int,
            required=False,
            widget=forms.RadioSelect,
            help_text=_("1 is the lowest, 5 the highest."),
        )
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _position(question: Question, choice: str) -> int:
    """Where `choice` stands among the question's choices; -1 once staff removed it."""
    choices = question.choice_list
    return choices.index(choice) if choice in choices else -1


class AnswerForm(forms.Form):
    """One field per question; `answers()` gives {question: value} of the shown ones.

    Choice values are the positions of the choices, so a tampered value is an error
    ("Select a valid choice") and the stored answer is the English choice, whatever
    language the person read.
    """

    def __init__(self, *args, questions: list[Question], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            field = _field_for(question, language)
            field.question = question
            if question.required and question.kind == Question.Kind.TEXT:
                field.widget.attrs["aria-required"] = "true"
            if question.condition_question_id:
                condition = question.condition_question
                field.condition_field = field_name(condition)
                field.condition_value = _position(condition, question.condition_value)
                labels = condition.choice_labels(language)
                field.condition_label = (
                    labels[field.condition_value] if field.condition_value >= 0 else ""
                )
            self.fields[field_name(question)] = field

    @staticmethod
    def initial_from(response) -> dict:
        """The form's initial values from a saved response, to edit it."""
        if response is None:
            return {}
        initial = {}
        for answer in response.answers.all():
            question = answer.question
            choices = question.choice_list
            if question.kind == Question.Kind.SINGLE and answer.choices:
                if answer.choices[0] in choices:
                    initial[field_name(question)] = choices.index(answer.choices[0])
            elif question.kind == Question.Kind.MULTIPLE:
                initial[field_name(question)] = [
                    choices.index(c) for c in answer.choices if c in choices
                ]
            elif question.kind == Question.Kind.RATING:
                initial[field_name(question)] = answer.rating
            else:
                initial[field_name(question)] = answer.text
        return initial

    def _shown(self, question: Question, shown: dict[int, bool], values: dict) -> bool:
        condition = question.condition_question
        if condition is None:
            return True
        if not shown.get(condition.pk):
            return False
        return question.condition_value in values.get(condition.pk, [])

    def clean(self):
        cleaned = super().clean()
        shown: dict[int, bool] = {}
        values: dict[int, list[str]] = {}  # English choices given to each choice question
        self.shown_answers: dict[Question, object] = {}
        for question in self.questions:
            name = field_name(question)
            shown[question.pk] = self._shown(question, shown, values)
            value = cleaned.get(name)
            if question.is_choice and value not in (None, ""):
                positions = value if isinstance(value, list) else [value]
                values[question.pk] = [question.choice_list[p] for p in positions]
            if not shown[question.pk]:
                # A hidden question's answer is dropped, even one that was not valid.
                cleaned.pop(name, None)
                self._errors.pop(name, None)
                continue
            if name in self._errors:
                continue
            if value in (None, "", []) or (isinstance(value, str) and not value.strip()):
                if question.required:
                    self.add_error(name, _("This question needs an answer."))
                continue
            if question.is_choice:
                self.shown_answers[question] = (
                    values[question.pk]
                    if question.kind == Question.Kind.MULTIPLE
                    else values[question.pk][0]
                )
            else:
                self.shown_answers[question] = value.strip() if isinstance(value, str) else value
        return cleaned

    def full_clean(self):
        super().full_clean()
        # Tie each error to its field for screen readers (Django adds aria-invalid).
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                described = [f"id_{name}_helptext"] if field.help_text else []
                field.widget.attrs["aria-describedby"] = " ".join([*described, f"id_{name}_error"])

    def answers(self) -> dict[Question, object]:
        return self.shown_answers


class FeedbackForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[("", _("Choose (optional)")), *Feedback.Category.choices],
        required=False,
    )
    text = forms.CharField(
        label=_("Your opinion"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What works, what does not, what you miss. KaguAruoo staff read every one."),
    )
