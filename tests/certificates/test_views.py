import io
import zipfile

from app.certificates import services
from app.cohorts.services import enrol
from app.extensions import db
from app.storage import storage
from tests.factories import make_cohort, make_user
from tests.pages import parse


def issued(admin, **person):
    cohort = make_cohort()
    enrolment = enrol(cohort, make_user("participant", **person), actor=admin)
    certificate = services.issue_certificate(enrolment)
    db.session.commit()
    return certificate


def test_verification_says_valid_in_any_case_and_shows_no_more_than_the_certificate(admin, client):
    certificate = issued(admin, name="Gareth Lewis", email="gareth@adur.gov.uk")
    response = client.get(f"/verify/{certificate.code.lower()}", follow_redirects=True)
    page = parse(response)
    assert response.status_code == 200
    assert "Valid certificate" in page.select_one("main").get_text()
    assert "Gareth Lewis" in page.select_one("main").get_text()
    assert "gareth@adur.gov.uk" not in response.get_data(as_text=True)


def test_verification_says_revoked_superseded_or_not_found(admin, client):
    certificate = issued(admin)
    replacement = services.reissue(certificate, actor=admin, name="A Corrected Name")
    db.session.commit()
    assert "replaced by a newer one" in parse(client.get(f"/verify/{certificate.code}")).get_text()
    services.revoke(replacement, actor=admin, reason="Issued in error")
    db.session.commit()
    assert "was revoked on" in parse(client.get(f"/verify/{replacement.code}")).get_text()
    missing = client.get("/verify/DLP-2222-3333-4444-5555")
    assert missing.status_code == 404
    assert "Certificate not found" in parse(missing).h1.get_text()


def test_the_code_form_refuses_nonsense_beside_the_field(client):
    page = parse(client.post("/verify", data={"code": "hello"}))
    assert "Enter a code like DLP-" in page.select_one("#code-error").get_text()
    assert page.select_one("#code")["value"] == "hello"


def test_uploading_the_issued_pdf_matches_and_a_changed_byte_does_not(admin, client):
    certificate = issued(admin)
    pdf = storage().read(certificate.storage_key)
    same = client.post("/verify/file", data={"file": (io.BytesIO(pdf), "certificate.pdf")},
                       content_type="multipart/form-data")
    assert f"The file is exactly certificate {certificate.code}" in parse(same).h1.get_text()
    edited = pdf[:-20] + bytes([pdf[-20] ^ 1]) + pdf[-19:]
    changed = client.post("/verify/file", data={"file": (io.BytesIO(edited), "certificate.pdf")},
                          content_type="multipart/form-data")
    assert "does not match" in parse(changed).h1.get_text()


def test_downloads_are_for_the_holder_their_lead_their_facilitator_and_admins(admin, login):
    certificate = issued(admin)
    holder = certificate.enrolment.user
    lead = make_user("council_lead", council=holder.council)
    facilitator = certificate.enrolment.cohort.facilitators[0]
    url = f"/certificates/{certificate.id}.pdf"
    for allowed in (holder, lead, facilitator, admin):
        response = login(allowed).get(url)
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), allowed
    for denied in (make_user("participant"), make_user("council_lead"), make_user("facilitator")):
        assert login(denied).get(url).status_code == 404


def test_a_cohorts_zip_holds_every_valid_certificate(admin, login):
    cohort = make_cohort(capacity=3)
    people = [enrol(cohort, make_user("participant", name=f"Person {n}"), actor=admin) for n in range(3)]
    certificates = [services.issue_certificate(e) for e in people]
    services.revoke(certificates[2], actor=admin, reason="Error")
    db.session.commit()
    response = login(cohort.facilitators[0]).get(f"/cohorts/{cohort.id}/certificates.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = sorted(archive.namelist())
    assert names == sorted(c.filename for c in certificates[:2])
    assert archive.read(certificates[0].filename) == storage().read(certificates[0].storage_key)


def test_an_admin_reissues_with_a_corrected_name(admin, admin_client):
    certificate = issued(admin, name="Garteh Lewis")
    response = admin_client.post(f"/admin/certificates/{certificate.id}/reissue", data={"name": "Gareth Lewis"})
    assert response.status_code == 302
    db.session.refresh(certificate)
    assert certificate.state == "superseded"
    page = parse(admin_client.get(response.headers["Location"]))
    assert "Gareth Lewis" in page.select_one("main").get_text()


def test_each_item_of_my_progress_links_to_its_lessons_assessment_or_attendance(admin, login):
    cohort = make_cohort()
    person = make_user("participant")
    enrol(cohort, person, actor=admin)
    db.session.commit()
    page = parse(login(person).get("/my/progress"))
    links = [(a.get_text().split(":")[0], a["href"]) for a in page.select(".app-checklist a")]
    course = cohort.course_version.course.slug
    quiz = cohort.course_version.modules[0].assessments[0]
    assert links == [
        ("Module 1 lessons (Module 1)", f"/learning/{course}#module-1-heading"),
        ("Module 2 lessons (Module 2)", f"/learning/{course}#module-2-heading"),
        ("Module 1 quiz", f"/quizzes/{quiz.id}"),
        ("Attendance", "/my/attendance"),
    ]
