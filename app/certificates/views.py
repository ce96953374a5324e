"""Certificates for everyone: verifying one, downloading one's own, a participant's progress."""

from __future__ import annotations

from flask import abort, redirect, render_template, send_file, url_for
from flask_login import current_user

from app import access
from app.auth.models import Role
from app.certificates import bp, services
from app.certificates.codes import normalise_code
from app.certificates.forms import CheckPdfForm, VerifyCodeForm
from app.certificates.completion import completion_for
from app.certificates.models import Certificate
from app.cohorts.services import current_enrolment
from app.courses.reading import Reading
from app.extensions import db, limiter
from app.storage import storage

VERIFY_LIMIT = "30 per minute"


@bp.route("/verify", methods=["GET", "POST"])
@access.public
@limiter.limit(VERIFY_LIMIT, methods=["POST"])
def verify():
    """Check a certificate by its code, or by uploading the PDF."""
    form, pdf_form = VerifyCodeForm(), CheckPdfForm()
    if form.validate_on_submit():
        code = normalise_code(form.code.data)
        if code is None:
            form.code.errors.append("Enter a code like DLP-7K3M-9QX2-HT4W-R8ZC: the letters DLP and 16 letters or numbers")
        else:
            return redirect(url_for("certificates.verify_code", code=code))
    return render_template("certificates/verify.html", form=form, code_form=form, pdf_form=pdf_form)


@bp.post("/verify/file")
@access.public
@limiter.limit(VERIFY_LIMIT)
def verify_file():
    """Is this exactly the PDF we issued?"""
    form, pdf_form = VerifyCodeForm(formdata=None), CheckPdfForm()
    if not pdf_form.validate_on_submit():
        return render_template("certificates/verify.html", form=pdf_form, code_form=form, pdf_form=pdf_form)
    certificate = services.find_by_pdf(pdf_form.file.data.read())
    return render_template("certificates/file_result.html", certificate=certificate)


@bp.get("/verify/<code>")
@access.public
@limiter.limit(VERIFY_LIMIT)
def verify_code(code):
    """What a certificate's code says: valid, revoked, superseded or not found."""
    canonical = normalise_code(code)
    if canonical is not None and canonical != code:
        return redirect(url_for("certificates.verify_code", code=canonical))
    certificate = services.find_by_code(code)
    status = 200 if certificate is not None else 404
    return render_template("certificates/result.html", certificate=certificate, code=code), status


@bp.get("/certificates/<id:certificate_id>.pdf")
@access.signed_in
def download(certificate_id):
    """The certificate PDF, for its holder, their council lead, their facilitators and admins."""
    certificate = db.get_or_404(Certificate, certificate_id)
    if not services.may_download(current_user, certificate):
        abort(404)
    return send_file(storage().open(certificate.storage_key), mimetype="application/pdf",
                     as_attachment=True, download_name=certificate.filename)


@bp.get("/my/progress")
@access.roles(Role.PARTICIPANT)
def mine():
    """What is left to complete, and my certificate once it is issued."""
    enrolment = current_enrolment(current_user)
    certificates = services.certificates_of(current_user)
    completion = completion_for(enrolment) if enrolment is not None else None
    reading = Reading(enrolment.cohort.course_version, preview=False) if enrolment is not None else None
    return render_template("certificates/mine.html", enrolment=enrolment, completion=completion,
                           certificates=certificates, checklist_reading=reading)
