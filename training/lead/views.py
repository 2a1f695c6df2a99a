"""People: program leads create accounts and set roles."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from training import audit
from training.accounts import EmailTaken
from training.auth import login_sessions, role_required
from training.certs import services as cert_services
from training.extensions import db
from training.hours import assignments, signoffs
from training.hours import services as hours_services
from training.hours.forms import ActionForm
from training.lead import bp, invitations, person_hours
from training.lead.attempts import attempts_of
from training.lead.cohort_members import join_cohort_form
from training.lead.forms import AssignSupervisorForm, EditPersonForm, NewPersonForm
from training.lead.people_import import invited_page
from training.mail import configured
from training.models import Cohort, Role, User, utcnow
from training.urls import public_url


@bp.route("/people")
@role_required(Role.LEAD)
def people():  # type: ignore[no-untyped-def]
    """Everyone, a page at a time, with a search by name or email and a role filter."""
    from math import ceil

    from flask import request
    from sqlalchemy import or_

    q = request.args.get("q", "").strip().lower()
    role = request.args.get("role", "")
    conditions = []
    if q:
        conditions.append(
            or_(
                func.lower(User.name).contains(q, autoescape=True),
                func.lower(User.email).contains(q, autoescape=True),
            )
        )
    if role in {r.value for r in Role}:
        conditions.append(User.role == role)
    total = db.session.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
    pages = max(1, ceil(total / PEOPLE_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    users = db.session.scalars(
        select(User)
        .where(*conditions)
        .order_by(User.role, func.lower(User.name))
        .limit(PEOPLE_PAGE)
        .offset((page - 1) * PEOPLE_PAGE)
    ).all()
    return render_template(
        "lead/people.html",
        users=users,
        total=total,
        page=page,
        pages=pages,
        q=q,
        role=role,
        roles=list(Role),
    )


PEOPLE_PAGE = 50


@bp.route("/people/new", methods=["GET", "POST"])
@role_required(Role.LEAD)
def new_person():  # type: ignore[no-untyped-def]
    """Create an account without a password, and invite the person to choose one: by email,
    and with the link shown to hand over (for programs without mail)."""
    form = NewPersonForm()
    if form.validate_on_submit():
        try:
            invited = invitations.invite_one(
                current_user,
                form.email.data,
                form.name.data,
                form.role.data,
                credential=form.credential.data,
            )
        except EmailTaken as taken:  # perhaps created a moment ago, by another lead
            form.email.errors.append(str(taken))
        else:
            return invited_page([invited])
    return render_template("lead/new_person.html", form=form, mailed=configured(current_app))


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
            name, credential = form.name.data.strip(), (form.credential.data or "").strip() or None
            _record_changes(user, Role(form.role.data), name, credential, form.active.data)
            user.name = name
            user.role = Role(form.role.data)
            user.credential = credential
            if user.active and not form.active.data:
                login_sessions.end_all(user)  # sign them out everywhere
            user.active = form.active.data
            ended = assignments.Ended()
            if user.role != Role.SUPERVISOR or not user.active:
                # Only active supervisors supervise: nothing may wait for anyone else. (This
                # commits the changes above in the same transaction.)
                ended = assignments.end_all(current_user, user)
            db.session.commit()
            flash(f"Saved the changes to {user.name}'s account.", "success")
            if ended.trainees or ended.returned:
                flash(assignments.told(user, ended), "info")
            return redirect(url_for(".people"))
    return render_template(
        "lead/edit_person.html",
        form=form,
        user=user,
        supervisors=hours_services.assigned_supervisors(user) if user.role == Role.TRAINEE else [],
        sign_off_tracks=signoffs.sign_off_tracks(user) if user.role == Role.SUPERVISOR else [],
        **_hours_context(user),
        quiz_attempts=attempts_of(user) if user.role == Role.TRAINEE else [],
        invitation=invitations.waiting(user),
        **_certificate_context(user),
        assign_form=_assign_form(user),
        action_form=ActionForm(),
    )


def _hours_context(user: User) -> dict[str, object]:
    """A trainee's cohort (or the form to join one), hours totals and the page of their
    entries the address asks for."""
    if user.role != Role.TRAINEE:
        return {}
    return {
        "hours_totals": person_hours.totals_of(user),
        "hours": person_hours.entries_page(user),
        "hours_columns": person_hours.COLUMNS,
        "page_size": person_hours.ENTRIES_PAGE,
        "cohort": db.session.get(Cohort, user.cohort_id) if user.cohort_id else None,
        "join_form": join_cohort_form(user),
    }


def _record_changes(
    user: User, role: Role, name: str, credential: str | None, active: bool
) -> None:
    """An audit event for each change a lead is about to make to the account, added to the
    transaction that makes it."""

    def record(action: str, *statuses: str, comment: str | None = None) -> None:
        audit.record(current_user, "user", user.id, action, *statuses, comment=comment)

    if user.role != role:
        record("role changed", user.role, role)
    if user.name != name:
        record("name changed", comment=f"{user.name} → {name}")
    if user.credential != credential:
        record(
            "credential changed",
            comment=f"{user.credential or '(none)'} → {credential or '(none)'}",
        )
    if user.active != active:
        record("reactivated" if active else "deactivated")


def _certificate_context(user: User) -> dict[str, object]:
    """The eligibility checklist and certificates, for a trainee's page."""
    track = hours_services.track_for(user)
    if user.role != Role.TRAINEE or track is None:
        return {"track": None}
    return {
        "track": track,
        "checklist": cert_services.checklist(user, track),
        "certificates": cert_services.certificates_of(user),
        "current": cert_services.current_certificate(user, track),
        "today": utcnow().date(),
    }


def _assign_form(trainee: User) -> AssignSupervisorForm:
    form = AssignSupervisorForm()
    assigned = {s.id for s in hours_services.assigned_supervisors(trainee)}
    candidates = db.session.scalars(
        select(User)
        .where(User.role == Role.SUPERVISOR, User.active.is_(True), User.id != trainee.id)
        .order_by(User.name)
    )
    form.supervisor.choices = [(u.id, u.name) for u in candidates if u.id not in assigned]
    return form


def _person(user_id: int, role: Role | None = None) -> User:
    user = db.session.get(User, user_id)
    if user is None or (role is not None and user.role != role):
        abort(404)
    return user


@bp.route("/people/<int:user_id>/supervisors", methods=["POST"])
@role_required(Role.LEAD)
def assign_supervisor(user_id: int):  # type: ignore[no-untyped-def]
    trainee = _person(user_id, Role.TRAINEE)
    form = _assign_form(trainee)
    if form.validate_on_submit():
        supervisor = _person(form.supervisor.data, Role.SUPERVISOR)
        hours_services.assign(current_user, trainee, supervisor)
        flash(f"{supervisor.name} now supervises {trainee.name}.", "success")
    elif form.csrf_token.errors:
        abort(400)
    else:
        flash("Choose a supervisor from the list.", "error")
    return redirect(url_for(".edit_person", user_id=trainee.id))


@bp.route("/people/<int:user_id>/supervisors/<int:supervisor_id>/remove", methods=["POST"])
@role_required(Role.LEAD)
def remove_supervisor(user_id: int, supervisor_id: int):  # type: ignore[no-untyped-def]
    trainee = _person(user_id, Role.TRAINEE)
    supervisor = _person(supervisor_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    ended = assignments.remove(current_user, trainee, supervisor)
    waiting = (
        f" {ended.returned} submitted entr{'y' if ended.returned == 1 else 'ies'} waiting for "
        f"{supervisor.name} went back to {trainee.name} to choose another supervisor."
        if ended.returned
        else ""
    )
    flash(
        f"{supervisor.name} no longer supervises {trainee.name}. Entries already approved "
        f"keep their sign-off.{waiting}{assignments.practice_told(ended)}",
        "success",
    )
    return redirect(url_for(".edit_person", user_id=trainee.id))


@bp.route("/people/<int:user_id>/reset-link", methods=["POST"])
@role_required(Role.LEAD)
def reset_link(user_id: int):  # type: ignore[no-untyped-def]
    """Make a one-time password reset link for the lead to hand over."""
    from training.auth import resets

    user = _person(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    token = resets.create(user, current_user)
    link = public_url("auth.reset_password", token=token)
    return render_template(
        "lead/reset_link.html",
        user=user,
        link=link,
        hours=int(resets.VALID_FOR.total_seconds() // 3600),
    )


@bp.route("/people/<int:user_id>/invitation", methods=["POST"])
@role_required(Role.LEAD)
def send_invitation_again(user_id: int):  # type: ignore[no-untyped-def]
    """A new invitation link (emailed, and shown to hand over); the old one stops working."""
    user = _person(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    invited = invitations.send_again(current_user, user)
    if invited is None:
        flash(
            f"{user.name} has no invitation waiting: they have chosen a password, or their "
            "account is deactivated, or a newer link was made.",
            "info",
        )
        return redirect(url_for(".edit_person", user_id=user.id)), 303
    return invited_page([invited], again=True)
