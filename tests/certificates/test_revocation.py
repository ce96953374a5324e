"""A revoked certificate stays revoked, and the last criterion always issues one, however
the writers of progress interleave."""

import threading
from datetime import datetime

import pytest
import time_machine
from sqlalchemy import event, func, select

from app.certificates import services
from app.certificates.completion import complete_if_done, sweep
from app.certificates.models import Certificate
from app.cohorts import attendance
from app.cohorts.models import Enrolment, LiveSession
from app.cohorts.services import enrol
from app.courses.models import Lesson
from app.courses.services import complete_lesson
from app.extensions import db
from app.mail.models import OutboxMessage
from tests.factories import make_cohort, make_course, make_course_version, make_intake, make_live_session, make_user

NOW = datetime(2027, 5, 1, 12)


@pytest.fixture(autouse=True)
def _in_may():
    with time_machine.travel(NOW, tick=False):
        yield


def one_lesson_one_session(admin):
    """A participant with one lesson to read and one held session to be marked for."""
    course = make_course()
    version = make_course_version(course, modules=1, lessons=1)
    version.modules[0].assessments = []
    cohort = make_cohort(make_intake(course=course))
    enrolment = enrol(cohort, make_user("participant"), actor=admin, now=datetime(2027, 2, 1))
    session = make_live_session(cohort, starts_at=datetime(2027, 3, 1, 10))
    db.session.commit()
    return enrolment, session, version.modules[0].lessons[0]


def certificates_of(enrolment_id):
    return db.session.scalars(select(Certificate).where(Certificate.enrolment_id == enrolment_id)).all()


def certificate_emails():
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "certificate"))


def test_a_revoked_certificate_is_not_issued_again_by_the_sweep_or_any_trigger(admin):
    enrolment, session, lesson = one_lesson_one_session(admin)
    complete_lesson(enrolment.user, lesson)
    attendance.record_register(session, actor=admin, marks={enrolment.id: ("present", None)}, now=NOW)
    db.session.commit()
    [certificate] = certificates_of(enrolment.id)
    services.revoke(certificate, actor=admin, reason="Issued in error")
    db.session.commit()
    emails = certificate_emails()

    assert sweep() == {"issued": 0}
    assert complete_if_done(enrolment) is None
    attendance.record_register(session, actor=admin, marks={enrolment.id: ("late", None)}, now=NOW)
    db.session.commit()

    assert [c.state for c in certificates_of(enrolment.id)] == ["revoked"]
    assert certificate_emails() == emails


def test_the_programme_team_cannot_issue_over_a_revocation_but_can_reissue(admin, admin_client):
    enrolment, _, _ = one_lesson_one_session(admin)
    certificate = services.issue_certificate(enrolment, actor=admin)
    services.revoke(certificate, actor=admin, reason="Issued in error")
    db.session.commit()

    page = admin_client.post(f"/admin/enrolments/{enrolment.id}/certificate", follow_redirects=True)
    assert "certificate was revoked: reissue it from its page" in page.get_data(as_text=True)
    assert len(certificates_of(enrolment.id)) == 1

    replacement = services.reissue(certificate, actor=admin, name=enrolment.user.name)
    db.session.commit()
    assert sorted(c.state for c in certificates_of(enrolment.id)) == ["revoked", "valid"]
    assert replacement.is_valid and certificate.superseded_by == replacement
    assert "Reissue" not in admin_client.get(f"/admin/certificates/{certificate.id}").get_data(as_text=True)
    assert sweep() == {"issued": 0}


@pytest.mark.postgres
def test_a_register_and_the_last_lesson_at_the_same_instant_issue_one_certificate(app, admin):
    """Both transactions write, then both check completion before either commits: without
    a lock, each misses the other's write and nobody issues the certificate."""
    enrolment, session, lesson = one_lesson_one_session(admin)
    ids = enrolment.id, enrolment.user_id, session.id, lesson.id
    admin_id = admin.id
    # Each waits here for the other before committing; a writer held by the other's lock
    # never arrives, and the wait ends after a moment so the first can commit.
    barrier = threading.Barrier(2)
    errors = []

    def writer(write):
        with app.app_context():
            event.listen(db.session(), "before_commit", lambda session: _wait(session, barrier))
            try:
                write(*ids)
                db.session.commit()
            except Exception as error:  # surfaced by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    def take_register(enrolment_id, _user_id, session_id, _lesson_id):
        attendance.record_register(db.session.get(LiveSession, session_id), actor=db.session.get(type(admin), admin_id),
                                   marks={enrolment_id: ("present", None)}, now=NOW)

    def read_lesson(enrolment_id, _user_id, _session_id, lesson_id):
        complete_lesson(db.session.get(Enrolment, enrolment_id).user, db.session.get(Lesson, lesson_id))

    threads = [threading.Thread(target=writer, args=(w,)) for w in (take_register, read_lesson)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    db.session.expire_all()
    assert [c.state for c in certificates_of(enrolment.id)] == ["valid"]


def _wait(session, barrier):
    if session.in_nested_transaction():
        return  # a savepoint released, not the transaction's commit
    try:
        barrier.wait(timeout=2)
    except threading.BrokenBarrierError:
        pass
