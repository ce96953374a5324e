"""Certificates for the programme team and facilitators: every certificate in one list (and
as CSV), a cohort's ZIP, revoke, reissue, issue now."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user

from app import access, form_tokens
from app.auth.models import Role
from app.certificates import bp, listing, services
from app.certificates.forms import ReissueForm, RevokeForm
from app.certificates.models import Certificate
from app.cohorts.loading import load_cohort
from app.cohorts.models import Enrolment
from app.errors import show_error
from app.exports import csv_response, file_name
from app.extensions import db
from app.forms import ConfirmForm


@bp.get("/cohorts/<id:cohort_id>/certificates.zip")
@access.roles(Role.ADMIN, Role.FACILITATOR)
def cohort_zip(cohort_id):
    """Every valid certificate of a cohort as one ZIP, streamed."""
    cohort = load_cohort(cohort_id)
    certificates = services.valid_certificates_of(cohort)
    filename = services.zip_name(cohort)
    return Response(stream_with_context(services.zip_stream(certificates)), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/admin/certificates/<id:certificate_id>")
@access.roles(Role.ADMIN)
def manage(certificate_id):
    """One certificate, with revoke and reissue."""
    certificate = db.get_or_404(Certificate, certificate_id)
    return render_template("certificates/manage.html", certificate=certificate,
                           revoke_form=RevokeForm(), reissue_form=ReissueForm(name=certificate.context["participant_name"]))


@bp.post("/admin/certificates/<id:certificate_id>/revoke")
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


@bp.post("/admin/certificates/<id:certificate_id>/reissue")
@access.roles(Role.ADMIN)
def reissue(certificate_id):
    """Reissue with a corrected name and a new code; the old code shows as superseded."""
    certificate = db.get_or_404(Certificate, certificate_id)
    form = ReissueForm()
    if form.validate_on_submit():
        if (repeat := form_tokens.claim(form)) is not None:
            return repeat
        try:
            replacement = services.reissue(certificate, actor=current_user, name=form.name.data)
        except services.CertificateError as error:
            db.session.rollback()
            show_error(form, error, default="name")
        else:
            location = url_for("certificates.manage", certificate_id=replacement.id)
            message = f"Reissued as {replacement.code}; {certificate.code} now shows as superseded"
            form_tokens.done(form, location, message)
            db.session.commit()
            flash(message)
            return redirect(location)
    return render_template("certificates/manage.html", certificate=certificate, revoke_form=RevokeForm(),
                           reissue_form=form, form=form)


@bp.post("/admin/enrolments/<id:enrolment_id>/certificate")
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


def _filters() -> tuple[str, str]:
    """The search and state asked for; an unknown state means any."""
    state = request.args.get("state", "")
    return request.args.get("q", "").strip()[:200], state if state in listing.STATES else ""


@bp.get("/admin/certificates/")
@access.roles(Role.ADMIN)
def index():
    """Every certificate, newest first: search by name, council, cohort or code, filter by state."""
    query, state = _filters()
    page = listing.certificates_page(query, state)
    return render_template("certificates/index.html", page=page, query=query, state=state, states=listing.STATES)


@bp.get("/admin/certificates.csv")
@access.roles(Role.ADMIN)
def export():
    """The certificates list as CSV, searched and filtered as on the page, streamed."""
    statement = listing.certificate_rows(*_filters()).execution_options(yield_per=500)
    return csv_response(file_name("certificates"), listing.CSV_HEADER, listing.csv_rows(statement))
