"""The learner's work on assessments: quiz attempts and assignment submissions.

Both belong to the person and the assessment (assessments are rows of one course version),
not to an enrolment, so someone who moves to another cohort on the same version keeps them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db, enum_type
from app.timeutil import utcnow



class QuizAttempt(db.Model):
    """One attempt at a quiz: started (its options shuffled), then submitted and scored."""

    __tablename__ = "quiz_attempt"
    # Attempts are numbered 1, 2, 3... per person and quiz: two requests starting an
    # attempt at the same moment both claim the same number, and only one can have it.
    __table_args__ = (UniqueConstraint("user_id", "assessment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    #: 1 for the first attempt; never more than the quiz's attempts allowed.
    number: Mapped[int]
    #: The order the options were shown in, by question id: {"q1": ["c", "a", "b"], ...}.
    option_order: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    #: The option ids chosen, by question id; None until submitted.
    answers: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)
    #: Percentage of questions answered correctly, 0 to 100; None until submitted.
    score: Mapped[int | None]
    passed: Mapped[bool | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    assessment = relationship("Assessment", lazy="joined")

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class SubmissionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PASSED = "passed"
    REFERRED = "referred"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "submitted": "Waiting for marking", "passed": "Passed",
                "referred": "Referred"}[self.value]

    @property
    def tag_colour(self) -> str:
        """The govuk-tag colour class this status shows in."""
        return {"draft": "govuk-tag--grey", "submitted": "govuk-tag--blue", "passed": "govuk-tag--green",
                "referred": "govuk-tag--red"}[self.value]


class Outcome(enum.StrEnum):
    PASS = "pass"
    REFER = "refer"


class Judgement(enum.StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"

    @property
    def label(self) -> str:
        return {"met": "Met", "partly_met": "Partly met", "not_met": "Not met"}[self.value]


class Submission(db.Model):
    """One round of work on an assignment: a draft, then submitted, then passed or referred.

    A referred submission stays as it was marked; the resubmission is the next number.
    """

    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("user_id", "assessment_id", "number"),
        # The marking queue: submissions waiting, oldest first.
        Index("ix_submission_status_submitted_at", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    #: 1 for the first submission, 2 for the resubmission after a referral, and so on.
    number: Mapped[int]
    status: Mapped[SubmissionStatus] = mapped_column(
        enum_type(SubmissionStatus, 20),
        default=SubmissionStatus.DRAFT,
    )
    #: The answer typed on the page, if any.
    text: Mapped[str | None] = mapped_column(Text)
    #: The uploaded file, stored under a generated key; the name it is downloaded as.
    file_key: Mapped[str | None] = mapped_column(String(200))
    file_name: Mapped[str | None] = mapped_column(String(200))
    #: Worked out from the file's content, never from its name.
    file_type: Mapped[str | None] = mapped_column(String(100))
    file_size: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    #: The date it was due when submitted, and whether it came after that date.
    due_on: Mapped[date | None]
    late: Mapped[bool] = mapped_column(default=False)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime | None]
    feedback: Mapped[str | None] = mapped_column(Text)
    #: The marker's judgement of each of the brief's criteria, in the brief's order:
    #: [{"criterion": "...", "judgement": "met"}, ...].
    judgements: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    #: Raised by every change; a mark is saved only if it is still the version the marker
    #: saw, so a second marker gets a conflict rather than overwriting the first.
    version: Mapped[int] = mapped_column(default=1)

    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    assessment = relationship("Assessment", lazy="joined")
    marked_by = relationship("User", foreign_keys=[marked_by_id])

    @property
    def is_marked(self) -> bool:
        return self.status in (SubmissionStatus.PASSED, SubmissionStatus.REFERRED)

    @property
    def has_answer(self) -> bool:
        return bool((self.text or "").strip()) or self.file_key is not None
