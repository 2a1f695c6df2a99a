"""Cohorts: the list of them and a new one. (Each cohort's dashboard is
``training.lead.cohort_dashboard``; who is in it, ``training.lead.cohort_members``.)"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired

from training import audit, limits
from training.auth import role_required
from training.extensions import db
from training.forms import Form
from training.lead import bp
from training.models import Cohort, Role, User
from training.validators import at_most, sensible_date


class CohortForm(Form):
    name = StringField(
        "Cohort name",
        validators=[DataRequired(message="Give the cohort a name."), at_most(limits.NAME)],
    )
    start_date = DateField(
        "Start date", validators=[InputRequired(message="Enter the start date."), sensible_date]
    )
    track = SelectField("Certification track", choices=[])
    submit = SubmitField("Create cohort")


def _tracks():  # type: ignore[no-untyped-def]
    from training import content

    return content.store().tracks.tracks


@bp.route("/cohorts", methods=["GET", "POST"])
@role_required(Role.LEAD)
def cohorts():  # type: ignore[no-untyped-def]
    form = CohortForm()
    form.track.choices = [(t.id, t.title) for t in _tracks()]
    if form.validate_on_submit():
        if db.session.scalar(
            select(Cohort).where(func.lower(Cohort.name) == form.name.data.strip().lower())
        ):
            form.name.errors.append("A cohort with this name already exists.")
        else:
            cohort = Cohort(
                name=form.name.data.strip(),
                start_date=form.start_date.data,
                track_id=form.track.data,
            )
            db.session.add(cohort)
            db.session.flush()
            audit.record(current_user, "cohort", cohort.id, "created", comment=cohort.name)
            db.session.commit()
            flash(f"Created the cohort {cohort.name}.", "success")
            return redirect(url_for(".cohort", cohort_id=cohort.id))
    counts = dict(
        db.session.execute(
            select(User.cohort_id, func.count())
            .where(User.cohort_id.is_not(None))
            .group_by(User.cohort_id)
        ).all()
    )
    all_cohorts = db.session.scalars(select(Cohort).order_by(Cohort.start_date.desc())).all()
    status = 400 if form.errors else 200
    return render_template(
        "lead/cohorts.html", cohorts=all_cohorts, counts=counts, form=form
    ), status
