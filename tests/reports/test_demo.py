"""On the demo data, every dashboard shows something, and its figures agree with direct counts."""

from sqlalchemy import func, select

from app import demo
from app.auth.models import User
from app.auth.services import set_password
from app.certificates.models import Certificate
from app.cohorts.models import Attendance, AttendanceStatus, Cohort, Enrolment, EnrolmentStatus
from app.councils.models import Council
from app.extensions import db
from app.intakes.models import Intake, Nomination, NominationStatus
from app.reports.cohort import Flag, dashboard
from app.reports.demo import DEMO_COHORT, DEMO_INTAKE
from app.reports.models import ReportSnapshot
from app.reports.overview import intake_reports, programme_report
from app.timeutil import utcnow
from tests.factories import PASSWORD
from tests.pages import parse

ADUR_LEAD = "lead@adur-worthing.example.gov.uk"


def count(statement) -> int:
    return db.session.scalar(statement)


def test_the_demo_gives_every_dashboard_figures_that_agree_with_the_database():
    demo.load()
    demo.load()  # idempotent: nothing is made twice
    db.session.commit()
    report = programme_report()
    assert report.signatories == count(select(func.count(Council.id)).where(Council.signed_on.is_not(None)))
    assert report.nominations.councils_using_places == count(
        select(func.count(Nomination.council_id.distinct())).where(
            Nomination.status.in_(["submitted", "accepted", "waitlisted"])
        )
    ) > 1
    o = report.outcomes
    assert o.participants == count(
        select(func.count(Enrolment.id)).where(Enrolment.status.in_(["active", "completed"]))
    ) > 5
    assert o.certificates == count(
        select(func.count(Certificate.id)).where(Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None))
    ) > 0
    assert o.completed == count(select(func.count(Enrolment.id)).where(Enrolment.status == EnrolmentStatus.COMPLETED))
    statuses = dict(db.session.execute(select(Attendance.status, func.count(Attendance.id)).group_by(Attendance.status)).all())
    assert o.attended == statuses[AttendanceStatus.PRESENT] + statuses[AttendanceStatus.LATE]
    assert o.counted == o.attended + statuses[AttendanceStatus.ABSENT]

    for r in intake_reports(db.session.scalars(select(Intake)).all()):
        for status in NominationStatus:
            assert r.nominations.count(status) == count(
                select(func.count(Nomination.id)).where(Nomination.intake_id == r.intake.id, Nomination.status == status)
            )
        assert r.outcomes.cohorts == count(select(func.count(Cohort.id)).where(Cohort.intake_id == r.intake.id))
    summer = db.session.scalar(select(Intake).where(Intake.name == DEMO_INTAKE))
    assert count(select(func.count(Cohort.id)).where(Cohort.intake_id == summer.id)) == 1


def test_the_demo_cohort_dashboard_shows_someone_at_risk_for_each_reason():
    demo.load()
    db.session.commit()
    board = dashboard(db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT)), utcnow())
    assert {flag for row in board.rows for flag in row.flags} == set(Flag)
    assert any(not row.risks for row in board.rows)
    states = {status.state.value for row in board.rows for _, status in row.assessments}
    assert {"passed", "late", "referred", "draft", "not_started"} <= states


def test_the_demo_adur_lead_sees_every_adur_nominee(login):
    demo.load()
    db.session.commit()
    lead = db.session.scalar(select(User).where(User.email == ADUR_LEAD))
    set_password(lead, PASSWORD)
    db.session.commit()
    page = parse(login(lead).get("/our-people/"))
    names = [row.th.a.get_text() for row in page.select("table:has(#people-caption) tbody tr")]
    expected = db.session.scalars(select(Nomination.nominee_name).where(Nomination.council_id == lead.council_id)).all()
    assert sorted(names) == sorted(expected)
    assert page.select('a[href^="/verify/DLP-"]'), "a certificate to verify"


def test_every_demo_certificate_comes_from_a_cohort_that_held_every_planned_session():
    from app.certificates.completion import completion_for
    from app.cohorts.models import LiveSession

    demo.load()
    db.session.commit()
    certificates = db.session.scalars(select(Certificate)).all()
    assert certificates
    for certificate in certificates:
        enrolment = db.session.get(Enrolment, certificate.enrolment_id)
        held = count(select(func.count(LiveSession.id)).where(
            LiveSession.cohort_id == enrolment.cohort_id, LiveSession.cancelled_at.is_(None),
            LiveSession.ends_at < utcnow(),
        ))
        assert held >= enrolment.cohort.course_version.live_sessions
        assert "held" not in completion_for(enrolment).criteria[-1].detail


def test_the_demo_counts_the_report_pages_once_loaded():
    demo.load()
    db.session.commit()
    snapshot = db.session.scalar(select(ReportSnapshot).where(ReportSnapshot.page == "overview"))
    assert snapshot.figures["programme"] == programme_report().as_json()
    intakes = db.session.scalars(select(Intake.id)).all()
    pages = set(db.session.scalars(select(ReportSnapshot.page)))
    assert {f"intake:{id}" for id in intakes} | {f"councils:{id}" for id in intakes} <= pages
