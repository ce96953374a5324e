"""Form pieces shared by every domain: dates, times of day and whole numbers as people type them."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextInput
from wtforms import Field, IntegerField, StringField, SubmitField
from wtforms.validators import StopValidation, ValidationError

from app.timeutil import to_local, to_utc


class ConfirmForm(FlaskForm):
    """A form with nothing but a button: for POST-only actions such as sign out."""

    submit = SubmitField("Continue", widget=GovSubmitInput())



_CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


def parse_clock(text: str) -> time | None:
    """'9am', '5:30pm', '17:00', 'midday' or 'midnight' as a time; None if it is none of them."""
    text = text.strip().lower().replace(" ", "")
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
    return time(hour, minute)


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
        try:
            if len(valuelist) != 3:
                raise ValueError("not three parts")
            day, month, year = (int(part) for part in valuelist)
            self.data = date(year, month, day)
        except (TypeError, ValueError) as error:
            self.data = None
            raise ValueError(self.invalid_message) from error


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
    """An integer field whose complaint about letters is a GOV.UK message."""

    def __init__(self, label, *, invalid_message: str, **kwargs):
        super().__init__(label, widget=GovTextInput(), **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError as error:
            self.data = None
            raise ValueError(self.invalid_message) from error


def local_moment(day_field: GovDateField, clock_field: ClockField) -> datetime | None:
    """The date and time as naive UTC, or None (with an error) if the clocks skip that time."""
    if day_field.data is None or clock_field.clock is None:
        return None
    local = datetime.combine(day_field.data, clock_field.clock)
    stored = to_utc(local)
    if to_local(stored).replace(tzinfo=None) != local:
        clock_field.errors.append(
            "That time does not exist in the UK on that day, because the clocks go forward. Choose another time"
        )
        return None
    return stored
