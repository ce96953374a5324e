"""A cohort's gradebook: each participant's status on each assessment, as a page or a CSV."""

from __future__ import annotations

from dataclasses import dataclass

from app.assessments.services import AssessmentStatus, assessments_of, statuses_for
from app.cohorts.models import Cohort, Enrolment
from app.cohorts.services import enrolments_of
from app.courses.models import Assessment


@dataclass(frozen=True)
class Gradebook:
    enrolments: list[Enrolment]
    assessments: list[Assessment]
    #: (enrolment id, assessment id) -> status
    statuses: dict[tuple[int, int], AssessmentStatus]

    def status(self, enrolment: Enrolment, assessment: Assessment) -> AssessmentStatus:
        return self.statuses[(enrolment.id, assessment.id)]

    def csv_header(self) -> list[str]:
        return ["Participant", "Email", "Council", *(f"{a.label}: {a.title}" for a in self.assessments)]

    def csv_rows(self):
        for enrolment in self.enrolments:
            user = enrolment.user
            yield [user.name, user.email, user.council.name if user.council else "",
                   *(self.status(enrolment, a).short for a in self.assessments)]


def gradebook(cohort: Cohort) -> Gradebook:
    """Participants × assessments, in a fixed number of queries at any cohort size."""
    enrolments = enrolments_of(cohort)
    return Gradebook(enrolments, assessments_of([cohort.course_version_id]), statuses_for(enrolments))
