"""Who may do what with competency evaluations: a supervisor writes and signs their own, of
trainees assigned to them whose track asks for one (and signs only if their credential qualifies
where the track names the credentials); a trainee reads their signed ones; a lead reads all."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from certificates.rulebook import EvaluationRule
from certificates.supervisors import accepted_text, qualifies
from certificates.tracks import Track
from training.evaluations.models import CompetencyEvaluation, EvaluationStatus
from training.extensions import db
from training.hours.assignments import supervised_trainees, supervision
from training.hours.services import track_for
from training.models import Cohort, Role, User

Evaluation = CompetencyEvaluation


def supervised_by(supervisor_id: int) -> Any:
    """A condition on an evaluation: ``supervisor_id`` wrote it, is assigned to its trainee (who
    is not themselves) and is an active account with the supervisor role."""
    return (
        (Evaluation.supervisor_id == supervisor_id)
        & (Evaluation.trainee_id != supervisor_id)
        & supervision(Evaluation.trainee_id, supervisor_id)
    )


def evaluation_track(trainee: User) -> Track | None:
    """The trainee's track, if it asks for a competency evaluation; else None."""
    if trainee.role != Role.TRAINEE:
        return None
    track = track_for(trainee)
    return track if track is not None and track.evaluation is not None else None


def trainees_to_evaluate(supervisor: User) -> list[tuple[User, Track]]:
    """The supervisor's assigned trainees whose track asks for an evaluation, by name."""
    trainees = supervised_trainees(supervisor)
    cohort_ids = {t.cohort_id for t in trainees if t.cohort_id is not None}
    if cohort_ids:  # loaded once, so ``track_for`` finds each cohort without a query of its own
        list(db.session.scalars(select(Cohort).where(Cohort.id.in_(cohort_ids))))
    found = [(trainee, evaluation_track(trainee)) for trainee in trainees]
    return [(trainee, track) for trainee, track in found if track is not None]


def trainee_for(supervisor: User, trainee_id: int) -> tuple[User, Track] | None:
    """The trainee and their track, when ``supervisor`` may evaluate them; else None."""
    return next(
        ((t, track) for t, track in trainees_to_evaluate(supervisor) if t.id == trainee_id), None
    )


def own(supervisor: User, evaluation_id: int) -> CompetencyEvaluation | None:
    """The supervisor's own evaluation, while they still supervise its trainee; else None."""
    if supervisor.role != Role.SUPERVISOR:
        return None
    return db.session.scalar(
        select(Evaluation).where(Evaluation.id == evaluation_id, supervised_by(supervisor.id))
    )


def visible_to(user: User, evaluation_id: int) -> CompetencyEvaluation | None:
    """The evaluation, for a lead; for its supervisor (while they supervise the trainee); for
    its trainee once signed (and after, if voided), never a draft. Else None."""
    if user.role == Role.SUPERVISOR:
        return own(user, evaluation_id)
    evaluation = db.session.get(Evaluation, evaluation_id)
    if evaluation is None or user.role == Role.LEAD:
        return evaluation
    if evaluation.trainee_id == user.id and evaluation.status != EvaluationStatus.DRAFT:
        return evaluation
    return None


def rule_for(evaluation: CompetencyEvaluation) -> EvaluationRule | None:
    """The current form for this evaluation: its trainee's track's, while the trainee is still
    on the track it was started on (else None: it can't be changed or signed)."""
    track = evaluation_track(evaluation.trainee)
    if track is None or track.id != evaluation.track_id:
        return None
    return track.evaluation


def sign_refusal(supervisor: User, track: Track) -> str:
    """Why this supervisor may not sign evaluations on the track, or "" when they may."""
    rule = track.supervisors
    if qualifies(rule, supervisor.credential):
        return ""
    recorded = (supervisor.credential or "").strip()
    held = (
        f"Your recorded credential is “{recorded}”."
        if recorded
        else "No credential is recorded for you."
    )
    return (
        f"Only supervisors holding one of these credentials may sign a {track.title} "
        f"competency evaluation: {accepted_text(rule)}. {held} You can still write the draft; if "
        "you hold one of them, ask your program lead to update your credential."
    )
