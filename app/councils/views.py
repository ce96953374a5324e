"""The councils register, for the programme team."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import access
from app.auth.models import Role
from app.councils import bp, services
from app.councils.forms import CouncilImportForm
from app.councils.models import Council
from app.errors import show_error
from app.extensions import db
from app.wording import plural


@bp.get("/")
@access.roles(Role.ADMIN)
def index():
    """Search and page through the councils register."""
    query = request.args.get("q", "")
    signatories = request.args.get("signatories") == "1"
    page = db.paginate(
        services.search_councils(query, signatories), per_page=25, error_out=False
    )
    return render_template(
        "councils/index.html", page=page, query=query, signatories=signatories
    )


@bp.get("/<id:council_id>")
@access.roles(Role.ADMIN)
def detail(council_id):
    """A council and its people."""
    council = db.get_or_404(Council, council_id)
    people = services.council_people(council)
    return render_template("councils/detail.html", council=council, people=people)


@bp.route("/import", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def import_register():
    """Upload the signatories register; every bad row is reported with its line."""
    form = CouncilImportForm()
    report = None
    if form.validate_on_submit():
        try:
            report = services.import_councils(form.file.data.read(), actor=current_user)
        except services.RegisterUnreadable as error:
            db.session.rollback()
            show_error(form, error, "file")
            return render_template("councils/import.html", form=form, report=report)
        if report.ok:
            db.session.commit()
            flash(
                f"Register imported: {report.created} added, {report.updated} updated, "
                f"{report.unchanged} unchanged"
            )
            return redirect(url_for("councils.index"))
        db.session.rollback()
        count = len(report.problems)
        form.file.errors.append(
            f"The file has {plural(count, 'problem')} and nothing was imported. "
            "Correct the rows listed and upload it again."
        )
    return render_template("councils/import.html", form=form, report=report)
