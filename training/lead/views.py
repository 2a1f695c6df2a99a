"""People: program leads create accounts and set roles."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from training.accounts import create_account
from training.auth import role_required
from training.auth.passwords import temporary_password
from training.auth.views import find_user_by_email
from training.extensions import db
from training.lead import bp
from training.lead.forms import EditPersonForm, NewPersonForm
from training.models import Role, User


@bp.route("/people")
@role_required(Role.LEAD)
def people():  # type: ignore[no-untyped-def]
    users = db.session.scalars(select(User).order_by(User.role, func.lower(User.name))).all()
    return render_template("lead/people.html", users=users)


@bp.route("/people/new", methods=["GET", "POST"])
@role_required(Role.LEAD)
def new_person():  # type: ignore[no-untyped-def]
    """Create an account with a one-time password the lead hands over."""
    form = NewPersonForm()
    if form.validate_on_submit():
        if find_user_by_email(form.email.data) is not None:
            form.email.errors.append("Someone already has an account with this email.")
        else:
            password = temporary_password()
            user = create_account(
                form.email.data,
                form.name.data,
                form.role.data,
                password,
                must_change_password=True,
            )
            return render_template("lead/person_created.html", user=user, password=password)
    return render_template("lead/new_person.html", form=form)


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.LEAD)
def edit_person(user_id: int):  # type: ignore[no-untyped-def]
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = EditPersonForm(obj=user)
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != Role.LEAD or not form.active.data):
            flash(
                "You can't remove your own lead role or deactivate yourself: ask another "
                "program lead to do it.",
                "error",
            )
        else:
            user.name = form.name.data.strip()
            user.role = Role(form.role.data)
            if user.active and not form.active.data:
                user.session_version += 1  # sign them out everywhere
            user.active = form.active.data
            db.session.commit()
            flash(f"Saved the changes to {user.name}'s account.", "success")
            return redirect(url_for(".people"))
    return render_template("lead/edit_person.html", form=form, user=user)
