"""Forms for taking quizzes, writing assignments and marking them."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import FileField, HiddenField, RadioField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, StopValidation

from app.forms import Form
from app.assessments.assignments import MAX_TEXT
from app.assessments.models import Judgement, Outcome
from app.assessments.scoring import answer_problem


def question_field_name(question: dict) -> str:
    return f"question-{question['id']}"


def _answered(question: dict, position: int):
    """A validator with the same rule, and words, as the service that scores the answer."""

    def check(form, field):
        chosen = field.data if isinstance(field.data, list) else ([field.data] if field.data else [])
        problem = answer_problem(question, position, chosen)
        if problem:
            raise StopValidation(problem)

    return check


def quiz_form(quiz, option_order: dict[str, list[str]]):
    """One question a fieldset, its options in this attempt's shuffled order."""

    class QuizForm(Form):
        submit = SubmitField("Submit your answers", widget=GovSubmitInput())

    for position, question in enumerate(quiz.questions, start=1):
        text = dict(question["options"])
        choices = [SelectChoice(option_id, text[option_id]) for option_id in option_order[question["id"]]]
        common = dict(label=question["prompt"], choices=choices, validate_choice=False,
                      validators=[_answered(question, position)])
        if question["type"] == "single":
            field = RadioField(widget=GovRadioInput(), **common)
        else:
            field = SelectMultipleField(widget=GovCheckboxesInput(), description="Select all that apply", **common)
        setattr(QuizForm, question_field_name(question), field)
    return QuizForm()


class AssignmentForm(Form):
    text = TextAreaField(
        "Your answer", description="Type your answer here, or upload it as a file below, or both",
        validators=[Length(max=MAX_TEXT, message=f"Your answer must be {MAX_TEXT:,} characters or fewer")],
        widget=GovTextArea(),
    )
    file = FileField("Upload a file", description="A PDF, DOCX or ODT file, smaller than 10MB", widget=GovFileInput())
    save = SubmitField("Save as draft", widget=GovSubmitInput())
    send = SubmitField("Submit for marking", widget=GovSubmitInput())


JUDGEMENT_CHOICES = [SelectChoice(judgement.value, judgement.label) for judgement in Judgement]


def mark_form(criteria: list[str] | None):
    """Pass or refer, feedback, and a judgement for each of the brief's criteria."""

    class MarkForm(Form):
        outcome = RadioField(
            "Outcome", choices=[SelectChoice(Outcome.PASS.value, "Pass"), SelectChoice(Outcome.REFER.value, "Refer")],
            validate_choice=False, validators=[InputRequired(message="Choose pass or refer")], widget=GovRadioInput(),
        )
        feedback = TextAreaField(
            "Feedback for the participant",
            description="Say what went well and, if you refer it, what to change before resubmitting",
            validators=[Length(max=20_000, message="Feedback must be 20,000 characters or fewer")],
            widget=GovTextArea(),
        )
        version = HiddenField(validators=[Length(max=12, message="This page is out of date: reload it and mark again")])
        submit = SubmitField("Save mark", widget=GovSubmitInput())

    for position, criterion in enumerate(criteria or [], start=1):
        setattr(MarkForm, f"criterion-{position}", RadioField(
            criterion, choices=JUDGEMENT_CHOICES, widget=GovRadioInput(), validate_choice=False,
            validators=[InputRequired(message=f"Choose met, partly met or not met for criterion {position}")],
        ))
    return MarkForm()
