"""Every certificate in one list, for the programme team: searched, filtered by state,
paged, and exported as CSV from the same query."""

from __future__ import annotations

from sqlalchemy import case, func, or_, select

from app.auth.models import User
from app.certificates.codes import normalise_code
from app.certificates.models import Certificate
from app.cohorts.models import Cohort, Enrolment
from app.councils.models import Council
from app.extensions import db
from app.paging import paginate_rows
from app.timeutil import format_date

#: What a certificate's state is called, in SQL: revoked wins over superseded, as on the model.
STATE = case(
    (Certificate.revoked_at.is_not(None), "revoked"),
    (Certificate.superseded_at.is_not(None), "superseded"),
    else_="valid",
)
STATES = {"": "Any state", "valid": "Valid", "revoked": "Revoked", "superseded": "Superseded"}

CSV_HEADER = ["Code", "Name", "Council", "Cohort", "Issued on", "State", "Revoked or superseded on"]


def certificate_rows(query: str = "", state: str = ""):
    """A select of one row per certificate, newest first: matching `query` in the person's
    name (or the name on the certificate), council, cohort or code, and in `state` if given."""
    name_on_certificate = Certificate.context["participant_name"].as_string()
    statement = (
        select(
            Certificate.id, Certificate.code, Certificate.issued_at, STATE.label("state"),
            func.coalesce(Certificate.revoked_at, Certificate.superseded_at).label("ended_at"),
            name_on_certificate.label("name"), Council.name.label("council"),
            Cohort.id.label("cohort_id"), Cohort.name.label("cohort"),
        )
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .join(User, User.id == Enrolment.user_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .outerjoin(Council, Council.id == User.council_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    if state in STATES and state:
        statement = statement.where(STATE == state)
    words = query.strip().lower()
    if words:
        matches = [
            func.lower(column).contains(words, autoescape=True)
            for column in (User.name, name_on_certificate, Council.name, Cohort.name, Certificate.code)
        ]
        if (code := normalise_code(query)) is not None:
            matches.append(Certificate.code == code)
        statement = statement.where(or_(*matches))
    return statement


def certificates_page(query: str, state: str, per_page: int = 50):
    """One page of `certificate_rows`: two queries at any size."""
    return paginate_rows(certificate_rows(query, state), per_page=per_page)


def csv_rows(statement):
    """The CSV cells of each row of a `certificate_rows` select, read as they are written
    (from the query csv_response's stream starts)."""
    for row in db.session.execute(statement):
        yield [row.code, row.name, row.council or "", row.cohort, format_date(row.issued_at), STATES[row.state],
               format_date(row.ended_at)]
