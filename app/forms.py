"""Form pieces shared by every domain: the base form, and dates, times of day and whole numbers
as people type them."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import wtforms_errors as govuk_wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextInput
from werkzeug.datastructures import MultiDict
from wtforms import Field, IntegerField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation, ValidationError

from app.params import FIRST_YEAR, LAST_YEAR, MAX_ID, whole_number
from app.timeutil import to_local, to_utc


class Form(FlaskForm):
    """Every form's base: typed text is trimmed (spaces alone count as empty) and WTForms'
    own messages ("Not a valid choice.") become GOV.UK ones that never echo the value."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            formdata = super().wrap_formdata(form, formdata)
            if formdata is None:
                return None
            secret = {field.name for field in form if isinstance(field, PasswordField)}
            return MultiDict(
                (key, value.strip() if isinstance(value, str) and key not in secret else value)
                for key, value in formdata.items(multi=True)
            )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            field.errors = [_plain_message(field, message) for message in field.errors]
        return valid


#: WTForms' messages for a value the field cannot take, as far as they can be recognised.
_STOCK = ("not a valid choice", "are not valid choices", "Not a valid", "Invalid Choice", "This field is required")


def _plain_message(field, message) -> str:
    """A WTForms message in GOV.UK style, from the field's own validators; others unchanged."""
    if not isinstance(message, str):
        return message
    for validator in field.validators:
        if isinstance(validator, Length) and validator.max != -1 and message.startswith("Field "):
            return f"{field.label.text} must be {validator.max:,} characters or fewer"
    if any(stock in message for stock in _STOCK):
        for validator in field.validators:
            if isinstance(validator, (InputRequired, DataRequired)) and validator.message:
                return validator.message
        return f"Select {field.label.text[:1].lower()}{field.label.text[1:]} from the list"
    return message


def wtforms_errors(form, params=None) -> dict:
    """The error summary's items; a date's error links to its day box, where the cursor goes."""
    summary = govuk_wtforms_errors(form, params or {})
    dates = {f"#{field.id}": f"#{field.name}-day" for field in form if isinstance(field, GovDateField)}
    for item in summary["errorList"]:
        item["href"] = dates.get(item["href"], item["href"])
    return summary


class ConfirmForm(Form):
    """A form with nothing but a button: for POST-only actions such as sign out."""

    submit = SubmitField("Continue", widget=GovSubmitInput())



_CLOCK = re.compile(r"^([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(am|pm)?$", re.ASCII)


def parse_clock(text: str) -> time | None:
    """'9am', '5:30pm', '17:00', 'midday' or 'midnight' as a time; None if it is none of them.

    A trailing 'BST' or 'GMT' picks between the two 1:30ams of the night the clocks go back:
    the time comes back with fold=1 for GMT, the second one.
    """
    text = text.strip().lower().replace(" ", "")
    fold = 1 if text.endswith("gmt") else 0
    text = text.removesuffix("gmt").removesuffix("bst")
    if text in ("midday", "noon", "12noon"):
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    match = _CLOCK.match(text)
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match[2] is None:
        return None  # "9" alone could be morning or evening
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute, fold=fold)


def names_zone(text: str) -> bool:
    """Whether a typed time says which clock it is on, as '1:30am BST' does."""
    return text.strip().lower().endswith(("bst", "gmt"))


class GovDateField(Field):
    """Day, month and year boxes; the message says which date is not real."""

    widget = GovDateInput()

    def __init__(self, label, *, invalid_message: str, **kwargs):
        super().__init__(label, **kwargs)
        self.invalid_message = invalid_message

    def _value(self):  # the widget builds its three boxes from raw_data or data instead
        return ""

    def process_formdata(self, valuelist):
        # The widget unpacks exactly three boxes, whatever a crafted request sent.
        self.raw_data = (list(valuelist) + ["", "", ""])[:3]
        if not any(part.strip() for part in self.raw_data):
            self.data = None
            return
        day, month, year = (whole_number(part.strip()) for part in self.raw_data)
        try:
            if len(valuelist) != 3 or None in (day, month, year):
                raise ValueError("not three whole numbers")
            self.data = date(year, month, day)
        except ValueError as error:
            self.data = None
            raise ValueError(self.invalid_message) from error
        if not FIRST_YEAR <= year <= LAST_YEAR:
            self.data = None
            raise ValueError(f"The year must be between {FIRST_YEAR} and {LAST_YEAR}")


    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()  # keep "must be a real date"; "Enter the date" would hide it


class ClockField(StringField):
    """A time of day typed as people write it."""

    def __init__(self, label, *, invalid_message: str, **kwargs):
        super().__init__(label, widget=GovTextInput(), **kwargs)
        self.invalid_message = invalid_message
        self.clock: time | None = None

    def pre_validate(self, form):
        self.clock = parse_clock(self.data or "") if self.data else None
        if self.data and self.clock is None:
            raise ValidationError(self.invalid_message)


class WholeNumberField(IntegerField):
    """A whole number in ASCII digits, within an integer column; the complaint is a GOV.UK message."""

    def __init__(self, label, *, invalid_message: str, **kwargs):
        super().__init__(label, widget=GovTextInput(), **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        number = whole_number(text.removeprefix("-"), at_most=MAX_ID)
        if number is None:
            self.data = None
            raise ValueError(self.invalid_message)
        self.data = -number if text.startswith("-") else number  # NumberRange says what is allowed


def local_moment(day_field: GovDateField, clock_field: ClockField) -> datetime | None:
    """The date and time as naive UTC, or None (with an error) if the clocks skip that time or,
    the night they go back, pass it twice and the person has not said which."""
    if day_field.data is None or clock_field.clock is None:
        return None
    local = datetime.combine(day_field.data, clock_field.clock)
    stored = to_utc(local)
    if to_local(stored).replace(tzinfo=None, fold=0) != local.replace(fold=0):
        clock_field.errors.append(
            "That time does not exist in the UK on that day, because the clocks go forward. Choose another time"
        )
        return None
    if to_utc(local.replace(fold=0)) != to_utc(local.replace(fold=1)) and not names_zone(clock_field.data):
        shown = f"{local.hour % 12 or 12}:{local.minute:02d}am"  # only ever between 1am and 2am
        clock_field.errors.append(
            f"{shown} happens twice that night, because the clocks go back. "
            f"Enter {shown} BST for the first time or {shown} GMT for the second"
        )
        return None
    return stored
