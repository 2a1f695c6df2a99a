"""Attestations and confirmations on the web.

A trainee reads and signs each of their track's attestations on its own page; their assigned
supervisors and program leads see where they stand, read-only. A lead confirms a trainee's
yes/no items (or withdraws one with a short reason) on the person's page or the cohort's page,
and downloads the cohort's table as CSV. Anyone else's trainee is "not found"."""

from __future__ import annotations

from datetime import date, datetime
from math import ceil
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from certificates.rulebook import Confirmation
from certificates.signatures import Standing
from certificates.tracks import Track
from training import content
from training.attestations import bp, services
from training.attestations.forms import SignForm, WithdrawForm
from training.auth import role_required
from training.csv_export import csv_download
from training.extensions import db
from training.hours import services as hours
from training.hours.forms import ActionForm
from training.models import Cohort, Role, User

COHORT_PAGE = 50


def _track_of(user: User) -> Track:
    track = hours.track_for(user)
    if track is None:
        abort(404)
    return track


def _trainee(user_id: int) -> User:
    """A trainee the signed-in lead or supervisor may see (else "not found")."""
    trainee = db.session.get(User, user_id)
    if trainee is None or not services.may_see(current_user, trainee):
        abort(404)
    return trainee


# --- what the pages show -----------------------------------------------------------------------


@bp.app_template_global()
def attestation_summary(user: User, track: Track | None) -> dict[str, Any]:
    """Where a trainee stands with their track's attestations and confirmations (for their own
    pages, the certificate page, and the read-only pages of their supervisors and leads)."""
    if track is None:
        return {"standings": [], "confirmations": []}
    return {
        "standings": services.standings(user, track, services.renewing_since(user, track)),
        "confirmations": services.confirmation_states(user, track),
    }


# --- the trainee -------------------------------------------------------------------------------


@bp.route("/")
@role_required(Role.TRAINEE)
def index():  # type: ignore[no-untyped-def]
    track = _track_of(current_user)
    return render_template(
        "attestations/index.html",
        track=track,
        summary=attestation_summary(current_user, track),
    )


@bp.route("/<attestation_id>", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def attestation(attestation_id: str):  # type: ignore[no-untyped-def]
    track = _track_of(current_user)
    chosen = track.attestation_by_id(attestation_id)
    if chosen is None:
        abort(404)
    since = services.renewing_since(current_user, track)
    state = _standing(current_user, track, chosen.id, since)
    form = SignForm()
    form.agree.label.text = chosen.statement
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                if not state.needs_signing:  # an old tab: nothing asks for a signature now
                    raise services.AlreadyDone(services.already_signed(chosen))
                services.sign(current_user, track, chosen, form.name.data or "")
            except services.AlreadyDone as done:
                flash(str(done), "info")
                return redirect(url_for(".attestation", attestation_id=chosen.id)), 303
            except services.AttestationError as problem:
                form.name.errors = [str(problem)]
            else:
                from training.certs.issuing import maybe_auto_issue

                flash(f"Thank you. You signed the {chosen.title.lower()}.", "success")
                maybe_auto_issue(current_user)  # it may have been the last requirement
                return redirect(url_for(".attestation", attestation_id=chosen.id))
        elif form.csrf_token.errors:
            abort(400)
        status = 400
    return render_template(
        "attestations/sign.html",
        track=track,
        state=state,
        renewing=since is not None,
        form=form,
    ), status


def _standing(user: User, track: Track, attestation_id: str, since: datetime | None) -> Standing:
    states = services.standings(user, track, since)
    return next(s for s in states if s.attestation.id == attestation_id)


# --- supervisors and leads: read-only ----------------------------------------------------------


@bp.route("/trainees/<int:user_id>")
@role_required(Role.SUPERVISOR, Role.LEAD)
def trainee(user_id: int):  # type: ignore[no-untyped-def]
    person = _trainee(user_id)
    track = hours.track_for(person)
    return render_template(
        "attestations/trainee.html",
        person=person,
        track=track,
        summary=attestation_summary(person, track),
    )


# --- leads: confirmations ----------------------------------------------------------------------


@bp.app_template_global()
def confirmations_section(person: User) -> dict[str, Any]:
    """The "Confirmations" section of a trainee's page for a lead."""
    track = hours.track_for(person) if person.role == Role.TRAINEE else None
    return {
        "track": track,
        "summary": attestation_summary(person, track),
        "cohort": db.session.get(Cohort, person.cohort_id) if person.cohort_id else None,
    }


def _item(person: User, item_id: str) -> tuple[Track, Confirmation]:
    track = _track_of(person)
    item = next((c for c in track.confirmations if c.id == item_id), None)
    if item is None:
        abort(404)
    return track, item


def _back(person: User):  # type: ignore[no-untyped-def]
    """Back to the page the lead confirmed from: the cohort's, or the person's."""
    if request.form.get("from") == "cohort" and person.cohort_id:
        return redirect(url_for(".cohort", cohort_id=person.cohort_id))
    return redirect(url_for("lead.edit_person", user_id=person.id, _anchor="confirmations"))


@bp.route("/people/<int:user_id>/confirmations/<item_id>", methods=["POST"])
@role_required(Role.LEAD)
def confirm(user_id: int, item_id: str):  # type: ignore[no-untyped-def]
    person = _trainee(user_id)
    track, item = _item(person, item_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.confirm(current_user, person, track, item)
    except services.AlreadyDone as done:
        flash(str(done), "info")
        return _back(person), 303
    from training.certs.issuing import maybe_auto_issue

    flash(f"Confirmed for {person.name}: {item.label}.", "success")
    maybe_auto_issue(person)
    return _back(person)


@bp.route("/people/<int:user_id>/confirmations/<item_id>/withdraw", methods=["GET", "POST"])
@role_required(Role.LEAD)
def withdraw(user_id: int, item_id: str):  # type: ignore[no-untyped-def]
    person = _trainee(user_id)
    track, item = _item(person, item_id)
    state = next(s for s in services.confirmation_states(person, track) if s.item == item)
    form = WithdrawForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.withdraw(current_user, person, track, item, form.reason.data or "")
            except services.AlreadyDone as done:
                flash(str(done), "info")
                return _back(person), 303
            except services.AttestationError as problem:
                form.reason.errors = [str(problem)]
            else:
                flash(f"Withdrew the confirmation for {person.name}: {item.label}.", "success")
                return _back(person)
        elif form.csrf_token.errors:
            abort(400)
        status = 400
    elif state.active is None:
        flash(f"“{item.label}” is not confirmed for {person.name}: nothing to withdraw.", "info")
        return _back(person)
    return render_template(
        "attestations/withdraw.html", person=person, item=item, state=state, form=form
    ), status


def _cohort(cohort_id: int) -> tuple[Cohort, Track]:
    cohort = db.session.get(Cohort, cohort_id)
    track = content.store().tracks.track(cohort.track_id) if cohort else None
    if cohort is None or track is None:
        abort(404)
    return cohort, track


def _members(cohort: Cohort):  # type: ignore[no-untyped-def]
    return (
        select(User)
        .where(User.cohort_id == cohort.id, User.role == Role.TRAINEE)
        .order_by(func.lower(User.name), User.id)
    )


@bp.route("/cohorts/<int:cohort_id>")
@role_required(Role.LEAD)
def cohort(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort, track = _cohort(cohort_id)
    members = _members(cohort)
    total = db.session.scalar(select(func.count()).select_from(members.subquery())) or 0
    pages = max(1, ceil(total / COHORT_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    shown = db.session.scalars(members.limit(COHORT_PAGE).offset((page - 1) * COHORT_PAGE))
    rows = services.cohort_rows(shown, track)
    waiting = _still_to_confirm(cohort, track)
    return render_template(
        "attestations/cohort.html",
        cohort=cohort,
        track=track,
        rows=rows,
        total=total,
        waiting=waiting,
        page=page,
        pages=pages,
    )


def _still_to_confirm(cohort: Cohort, track: Track) -> int:
    """How many of the cohort's trainees still need at least one confirmation."""
    if not track.confirmations:
        return 0
    ids = list(db.session.scalars(_members(cohort).with_only_columns(User.id)))
    confirmed = services.confirmations(ids, track)
    wanted = {c.id for c in track.confirmations}
    return sum(1 for user_id in ids if not wanted <= confirmed[user_id])


@bp.route("/cohorts/<int:cohort_id>.csv")
@role_required(Role.LEAD)
def cohort_csv(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort, track = _cohort(cohort_id)
    rows = services.cohort_rows(db.session.scalars(_members(cohort)), track)
    header = ["Name", "Email"]
    for item in track.confirmations:
        header += [f"{item.label}: confirmed", f"{item.label}: confirmed on"]
    header += [f"{a.title}: current version signed" for a in track.attestations]
    lines: list[list[str | date | None]] = []
    for row in rows:
        line: list[str | date | None] = [row.user.name, row.user.email]
        for item in track.confirmations:
            at: datetime | None = row.confirmed.get(item.id)
            line += ["yes" if at else "no", at.date() if at else None]
        line += ["yes" if a.id in row.signed else "no" for a in track.attestations]
        lines.append(line)
    name = "".join(c if c.isalnum() else "-" for c in cohort.name.lower())
    return csv_download(f"confirmations-{name}.csv", header, lines)
