"""Who is in a cohort: trainees added by ticking them in a search's results, and one
supervisor assigned to the whole cohort. (Adding from a CSV file of addresses is
``training.lead.cohort_csv_views``.)"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select, update
from wtforms import SelectField, SubmitField

from training import audit, limits
from training.auth import role_required
from training.back import back_to
from training.extensions import db
from training.forms import Form, refuse_bad_csrf, submitted
from training.hours import services as hours_services
from training.input_checks import database_ids
from training.lead import bp
from training.lead.forms import TRAINEES_AT_ONCE, AddTraineesForm, CohortCsvForm
from training.models import Cohort, Role, User


class CohortSupervisorForm(Form):
    supervisor = SelectField("Supervisor for every trainee in the cohort", coerce=int, choices=[])
    submit = SubmitField("Assign to the whole cohort")


#: who the forms offer, and so the only people they accept: active trainees in no cohort yet,
#: and active supervisors
WITHOUT_A_COHORT = (User.role == Role.TRAINEE, User.cohort_id.is_(None), User.active.is_(True))
_ACTIVE_SUPERVISORS = (User.role == Role.SUPERVISOR, User.active.is_(True))


#: why a membership form was refused, shown next to it on the cohort page (the address names
#: the reason, ``problem=…``, and the boxes that were ticked, ``ticked=…``, so both survive the
#: redirect back)
PROBLEMS = {
    "none": "Tick at least one trainee to add.",
    "too_many": f"Add at most {TRAINEES_AT_ONCE} trainees at a time.",
    "changed": "Some of the trainees ticked can no longer be added: another lead may have just "
    "added them to a cohort, or changed their account. Nobody was added. The list below is up "
    "to date: tick them again.",
    "supervisor": "Choose a supervisor from the list.",
}


def members_context(cohort: Cohort) -> dict[str, object]:
    """What the cohort page's membership part (``lead/_cohort_members.html``) shows: the
    trainees a search found to tick, the CSV upload and the whole-cohort supervisor; with a
    refused form's message next to it and its boxes still ticked."""
    find = _search_words()
    addable, more = _addable(find)
    add_form = AddTraineesForm()
    add_form.trainees.choices = [(u.id, f"{u.name} ({u.email})") for u in addable]
    add_form.trainees.data = database_ids(request.args.getlist("ticked"))
    supervisor_form = CohortSupervisorForm()
    supervisor_form.supervisor.choices = _choices(*_ACTIVE_SUPERVISORS)
    problem = request.args.get("problem", "")
    if problem in PROBLEMS:
        shown_on = supervisor_form.supervisor if problem == "supervisor" else add_form.trainees
        shown_on.errors = [PROBLEMS[problem]]
    return {
        "add_form": add_form,
        "find": find,
        "more": more,
        "csv_form": CohortCsvForm(formdata=None),
        "supervisor_form": supervisor_form,
    }


def _search_words() -> str:
    """What the lead searched trainees to add by; too long a search is left out, with a
    message."""
    find = request.args.get("find", "").strip()
    if len(find) > limits.SEARCH:
        flash(
            f"Search for trainees with at most {limits.SEARCH} characters of their name or "
            "email; that search was left out.",
            "error",
        )
        return ""
    return find


def _addable(find: str) -> tuple[list[User], bool]:
    """The first ``TRAINEES_AT_ONCE`` trainees who may be added (by name), whose name or email
    holds ``find``; and whether more match."""
    conditions = list(WITHOUT_A_COHORT)
    if find:
        words = find.lower()
        conditions.append(
            or_(
                func.lower(User.name).contains(words, autoescape=True),
                func.lower(User.email).contains(words, autoescape=True),
            )
        )
    people = db.session.scalars(
        select(User)
        .where(*conditions)
        .order_by(func.lower(User.name), User.id)
        .limit(TRAINEES_AT_ONCE + 1)
    ).all()
    return list(people[:TRAINEES_AT_ONCE]), len(people) > TRAINEES_AT_ONCE


def _choices(*conditions) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    people = select(User).where(*conditions).order_by(User.name, User.id)
    return [(u.id, u.name) for u in db.session.scalars(people)]


def _back(cohort: Cohort) -> str:
    return back_to(url_for(".cohort", cohort_id=cohort.id, _anchor="add-trainees"))


def _refused(form: Form, cohort: Cohort, problem: str, ticked: Iterable[int] = ()):  # type: ignore[no-untyped-def]
    """A form that did not validate: 400 for a missing CSRF token; else back to the page it
    was on, the problem shown next to the form and the boxes still ticked."""
    refuse_bad_csrf(form)
    page = urlsplit(_back(cohort))
    query = [
        (name, value)
        for name, value in parse_qsl(page.query, keep_blank_values=True)
        if name not in ("problem", "ticked")
    ]
    query += [("problem", problem), *(("ticked", str(i)) for i in sorted(ticked))]
    return redirect(page._replace(query=urlencode(query), fragment="add-trainees").geturl()), 303


def add_to_cohort(cohort: Cohort, user_ids: Iterable[int]) -> list[int]:
    """Put those of ``user_ids`` who are still active trainees in no cohort into ``cohort``,
    audited; the ids moved (committed). Another lead adding the same trainee to another
    cohort at once leaves them in one cohort, not moved from it."""
    moved = db.session.scalars(
        update(User)
        .where(User.id.in_(set(user_ids)), *WITHOUT_A_COHORT)
        .values(cohort_id=cohort.id)
        .returning(User.id),
        execution_options={"synchronize_session": False},
    ).all()
    for user_id in sorted(moved):
        audit.record(current_user, "user", user_id, "added to cohort", comment=cohort.name)
    db.session.commit()
    return sorted(moved)


def added_message(cohort: Cohort, added: int) -> str:
    return f"Added {added} trainee{'s' if added != 1 else ''} to {cohort.name}."


@bp.route("/cohorts/<int:cohort_id>/trainees", methods=["POST"])
@role_required(Role.LEAD)
def add_trainees(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort = db.get_or_404(Cohort, cohort_id)
    form = AddTraineesForm()
    if not form.validate_on_submit() or not form.trainees.data:
        return _refused(form, cohort, "none")
    chosen = set(form.trainees.data)
    if len(chosen) > TRAINEES_AT_ONCE:
        return _refused(form, cohort, "too_many", chosen)
    # Only people the form could offer, all of them or none (one query, not a list of all).
    allowed = db.session.scalars(select(User.id).where(User.id.in_(chosen), *WITHOUT_A_COHORT))
    if set(allowed) != chosen:
        return _refused(form, cohort, "changed", chosen)
    flash(added_message(cohort, len(add_to_cohort(cohort, chosen))), "success")
    return redirect(_back(cohort))


@bp.route("/cohorts/<int:cohort_id>/supervisor", methods=["POST"])
@role_required(Role.LEAD)
def cohort_supervisor(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort = db.get_or_404(Cohort, cohort_id)
    form = CohortSupervisorForm()
    form.supervisor.choices = _choices(*_ACTIVE_SUPERVISORS)
    if not form.validate_on_submit():
        return _refused(form, cohort, "supervisor")
    supervisor = db.session.get(User, form.supervisor.data)
    # The cohort's trainees: a member who has since become a supervisor is not among them, and
    # nobody is made their own supervisor.
    trainees = list(
        db.session.scalars(
            select(User).where(
                User.cohort_id == cohort.id,
                User.role == Role.TRAINEE,
                User.id != supervisor.id,
            )
        )
    )
    newly = sum(hours_services.assign(current_user, t, supervisor) for t in trainees)
    flash(
        f"{supervisor.name} now supervises everyone in {cohort.name} ({newly} newly assigned).",
        "success",
    )
    return redirect(back_to(url_for(".cohort", cohort_id=cohort.id)))


class JoinCohortForm(Form):
    cohort = SelectField("Cohort", coerce=int, choices=[])
    submit = SubmitField("Add to the cohort")


def join_cohort_form(trainee: User) -> JoinCohortForm | None:
    """For a trainee's page: the cohorts they may join (newest first), when they may join one
    (an active trainee in no cohort); else None."""
    if trainee.role != Role.TRAINEE or trainee.cohort_id is not None or not trainee.active:
        return None
    form = JoinCohortForm(formdata=None)
    newest = select(Cohort).order_by(Cohort.start_date.desc(), Cohort.id.desc())
    form.cohort.choices = [(c.id, c.name) for c in db.session.scalars(newest)]
    return form


@bp.route("/people/<int:user_id>/cohort", methods=["POST"])
@role_required(Role.LEAD)
def join_cohort(user_id: int):  # type: ignore[no-untyped-def]
    """Add one trainee to a cohort from their page."""
    trainee = db.get_or_404(User, user_id)
    back = back_to(url_for(".edit_person", user_id=trainee.id))
    form = JoinCohortForm()
    form.cohort.choices = [(c.id, c.name) for c in db.session.scalars(select(Cohort))]
    if not submitted(form):
        flash("Choose a cohort from the list.", "error")
        return redirect(back), 303
    cohort = db.get_or_404(Cohort, form.cohort.data)
    if not add_to_cohort(cohort, [trainee.id]):
        flash(
            f"{trainee.name} could not be added: only an active trainee who is in no cohort "
            "yet can join one.",
            "error",
        )
        return redirect(back), 303
    flash(f"Added {trainee.name} to {cohort.name}.", "success")
    return redirect(back)
