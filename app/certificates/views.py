"""Certificates: public verification, downloads, and the programme team's revoke and reissue."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, send_file, stream_with_context, url_for
from flask_login import current_user

from app import access
from app.auth.models import Role
from app.certificates import bp, services
from app.certificates.codes import normalise_code
from app.certificates.forms import CheckPdfForm, ReissueForm, RevokeForm, VerifyCodeForm
from app.certificates.completion import completion_for
from app.certificates.models import Certificate
from app.cohorts.loading import load_cohort
from app.cohorts.models import Enrolment
from app.cohorts.services import current_enrolment
from app.errors import show_error
from app.extensions import db, limiter
from app.forms import ConfirmForm
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


@bp.get("/certificates/<int:certificate_id>.pdf")
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
    return render_template("certificates/mine.html", enrolment=enrolment, completion=completion,
                           certificates=certificates)


@bp.get("/cohorts/<int:cohort_id>/certificates.zip")
@access.roles(Role.ADMIN, Role.FACILITATOR)
def cohort_zip(cohort_id):
    """Every valid certificate of a cohort as one ZIP, streamed."""
    cohort = load_cohort(cohort_id)
    certificates = services.valid_certificates_of(cohort)
    filename = services.zip_name(cohort)
    return Response(stream_with_context(services.zip_stream(certificates)), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/admin/certificates/<int:certificate_id>")
@access.roles(Role.ADMIN)
def manage(certificate_id):
    """One certificate, with revoke and reissue."""
    certificate = db.get_or_404(Certificate, certificate_id)
    return render_template("certificates/manage.html", certificate=certificate,
                           revoke_form=RevokeForm(), reissue_form=ReissueForm(name=certificate.context["participant_name"]))


@bp.post("/admin/certificates/<int:certificate_id>/revoke")
@access.roles(Role.ADMIN)
def revoke(certificate_id):
    """Revoke a certificate, with a reason."""
    certificate = db.get_or_404(Certificate, certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke(certificate, actor=current_user, reason=form.reason.data)
        except services.CertificateError as error:
            db.session.rollback()
            show_error(form, error, default="reason")
        else:
            db.session.commit()
            flash(f"Certificate {certificate.code} is revoked")
            return redirect(url_for("certificates.manage", certificate_id=certificate.id))
    return render_template("certificates/manage.html", certificate=certificate, revoke_form=form,
                           reissue_form=ReissueForm(name=certificate.context["participant_name"]), form=form)


@bp.post("/admin/certificates/<int:certificate_id>/reissue")
@access.roles(Role.ADMIN)
def reissue(certificate_id):
    """Reissue with a corrected name and a new code; the old code shows as superseded."""
    certificate = db.get_or_404(Certificate, certificate_id)
    form = ReissueForm()
    if form.validate_on_submit():
        try:
            replacement = services.reissue(certificate, actor=current_user, name=form.name.data)
        except services.CertificateError as error:
            db.session.rollback()
            show_error(form, error, default="name")
        else:
            db.session.commit()
            flash(f"Reissued as {replacement.code}; {certificate.code} now shows as superseded")
            return redirect(url_for("certificates.manage", certificate_id=replacement.id))
    return render_template("certificates/manage.html", certificate=certificate, revoke_form=RevokeForm(),
                           reissue_form=form, form=form)


@bp.post("/admin/enrolments/<int:enrolment_id>/certificate")
@access.roles(Role.ADMIN)
def issue(enrolment_id):
    """Issue a certificate now, on the programme team's say-so."""
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    if ConfirmForm().validate_on_submit():
        try:
            certificate = services.issue_certificate(enrolment, actor=current_user)
        except services.CertificateError as error:
            db.session.rollback()
            flash(str(error), "info")
        else:
            db.session.commit()
            flash(f"Certificate {certificate.code} issued to {enrolment.user.name}")
            return redirect(url_for("certificates.manage", certificate_id=certificate.id))
    return redirect(url_for("cohorts.detail", cohort_id=enrolment.cohort_id))
