import threading

from pypdf import PdfReader
import io
import pytest
from sqlalchemy import event, func, select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.certificates import services
from app.certificates.models import Certificate
from app.cohorts.models import EnrolmentStatus
from app.cohorts.services import enrol
from app.extensions import db
from app.storage import storage
from tests.factories import make_cohort, make_user


def enrolled(admin, name="Gareth Lewis"):
    cohort = make_cohort()
    enrolment = enrol(cohort, make_user("participant", name=name), actor=admin)
    db.session.commit()
    return enrolment


def test_issuing_stores_the_pdf_its_hash_and_the_data_it_was_made_from(admin):
    enrolment = enrolled(admin)
    certificate = services.issue_certificate(enrolment, actor=admin)
    pdf = storage().read(certificate.storage_key)
    assert services.find_by_pdf(pdf) == certificate
    assert certificate.context["participant_name"] == "Gareth Lewis"
    assert certificate.context["verify_url"] == f"http://lms.test/verify/{certificate.code}"
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Gareth Lewis" in text and certificate.code in text
    assert enrolment.status is EnrolmentStatus.COMPLETED


def test_issuing_twice_gives_the_same_certificate(admin):
    enrolment = enrolled(admin)
    first = services.issue_certificate(enrolment)
    assert services.issue_certificate(enrolment) == first
    assert db.session.scalar(select(func.count(Certificate.id))) == 1


def test_two_racing_requests_leave_one_valid_certificate(app, admin):
    enrolment = enrolled(admin)
    enrolment_id = enrolment.id
    barrier = threading.Barrier(2)
    codes = []

    def issue():
        with app.app_context():
            from app.cohorts.models import Enrolment

            mine = db.session.get(Enrolment, enrolment_id)
            barrier.wait()
            codes.append(services.issue_certificate(mine).code)
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.rollback()
    valid = db.session.scalars(select(Certificate).where(Certificate.revoked_at.is_(None))).all()
    assert len(valid) == 1
    assert set(codes) == {valid[0].code}


def test_revoking_and_reissuing_are_audited_and_change_the_state(admin):
    enrolment = enrolled(admin, name="Gareth Lewsi")
    original = services.issue_certificate(enrolment)
    replacement = services.reissue(original, actor=admin, name="Gareth Lewis")
    assert original.state == "superseded" and original.superseded_by_id == replacement.id
    assert replacement.code != original.code and replacement.state == "valid"
    assert replacement.context["participant_name"] == "Gareth Lewis"
    services.revoke(replacement, actor=admin, reason="Completed in error")
    assert replacement.state == "revoked"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "Certificate")).all()
    assert {"certificate.issued", "certificate.reissued", "certificate.revoked"} <= set(actions)


def test_a_certificate_is_emailed_to_the_participant_as_a_pdf(admin, smtp):
    from app.mail.delivery import deliver_pending

    enrolment = enrolled(admin)
    deliver_pending()
    smtp.messages.clear()  # the email telling them of their place
    certificate = services.issue_certificate(enrolment)
    db.session.commit()
    deliver_pending()
    (message,) = smtp.to(enrolment.user.email)
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert services.find_by_pdf(attachment.get_content()) == certificate


def test_a_cohort_issues_many_certificates_on_every_core(admin):
    cohort = make_cohort(capacity=4)
    enrolments = [enrol(cohort, make_user("participant"), actor=admin) for _ in range(4)]
    db.session.commit()
    issued = services.issue_many(enrolments, actor=admin)
    assert len(issued) == 4
    assert all(services.find_by_pdf(storage().read(c.storage_key)) == c for c in issued)


@pytest.mark.postgres
def test_two_reissues_at_once_give_one_replacement_and_a_reason_to_the_other(app, admin):
    """Both check the certificate is not yet replaced, then both write: the second waits for
    the first's row lock, and is then told the certificate was already replaced."""
    certificate_id, admin_id = services.issue_certificate(enrolled(admin, name="Garteh Lewis")).id, admin.id
    db.session.commit()
    both_checked, results = threading.Barrier(2), []

    def reissue():
        with app.app_context():
            event.listen(db.session(), "before_flush", lambda *_: both_checked.wait(timeout=5), once=True)
            try:
                services.reissue(db.session.get(Certificate, certificate_id), actor=db.session.get(User, admin_id),
                                 name="Gareth Lewis")
                db.session.commit()
                results.append("reissued")
            except services.CertificateError as error:
                db.session.rollback()
                results.append(str(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=reissue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["This certificate was already replaced: reissue its replacement", "reissued"]
    assert db.session.scalar(select(func.count(Certificate.id))) == 2
