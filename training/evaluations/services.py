"""Competency evaluations through their life: a supervisor starts a draft, saves it, signs it
(then it is locked); a lead may void a signed one with a reason (it stays on record).

Only a supervisor assigned to the trainee (an active account with the supervisor role) writes
and signs their own evaluations, and only on the trainee's track, when it asks for one; where the
track names the credentials that may sign (``[supervisors]``), only a supervisor whose recorded
credential qualifies signs. Every change is one statement the database checks: a partial unique
index for a new draft, a conditional UPDATE (``WHERE status = …``) for saving, signing and
voiding, so two tabs, clicks or people acting at once leave exactly one outcome, and a signed
evaluation is never changed. Each change that matters (a draft started, signed, voided) writes
an audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Select, exists, select, update
from sqlalchemy.exc import IntegrityError

from certificates.evaluation import Answer, problems, snapshot
from certificates.rulebook import EvaluationOutcome, EvaluationRule
from certificates.tracks import Track
from training import audit, limits
from training.evaluations.access import (
    evaluation_track,
    rule_for,
    sign_refusal,
    supervised_by,
    trainee_for,
)
from training.evaluations.models import CompetencyEvaluation, EvaluationStatus
from training.extensions import db
from training.models import Role, User, utcnow

SUBJECT = "competency_evaluation"
Evaluation = CompetencyEvaluation


class EvaluationError(ValueError):
    """An action that cannot be taken, with a message for the person who tried."""


class AnswerProblems(EvaluationError):
    """The answers are incomplete or too long: ``found`` says what, field by field
    (``certificates.evaluation.problems``). Nothing was saved."""

    def __init__(self, found: dict[str, str]) -> None:
        super().__init__("Please check the ratings and comments marked below.")
        self.found = found


class AlreadyDecided(EvaluationError):
    """The evaluation was signed or voided meanwhile (another tab, click or person): nothing of
    this action was kept."""


# --- reading -----------------------------------------------------------------------------------


def evaluations_by(supervisor: User, trainee_ids: list[int]) -> dict[int, list[Evaluation]]:
    """trainee id -> the supervisor's evaluations of them, newest first."""
    found: dict[int, list[Evaluation]] = {i: [] for i in trainee_ids}
    for evaluation in db.session.scalars(
        select(Evaluation)
        .where(Evaluation.supervisor_id == supervisor.id, Evaluation.trainee_id.in_(trainee_ids))
        .order_by(Evaluation.created_at.desc(), Evaluation.id.desc())
    ):
        found[evaluation.trainee_id].append(evaluation)
    return found


def of_trainee(trainee: User) -> list[Evaluation]:
    """What the trainee sees: their signed (and voided) evaluations, newest first."""
    return list(
        db.session.scalars(
            select(Evaluation)
            .where(
                Evaluation.trainee_id == trainee.id,
                Evaluation.status != EvaluationStatus.DRAFT,
            )
            .order_by(Evaluation.signed_at.desc(), Evaluation.id.desc())
        )
    )


def lead_query(status: str = "", cohort_id: int | None = None) -> Select[tuple[Evaluation]]:
    """Every evaluation (or those with ``status``, of trainees in ``cohort_id``), the most
    recently changed first."""
    query = select(Evaluation).join(User, User.id == Evaluation.trainee_id)
    if status in {s.value for s in EvaluationStatus}:
        query = query.where(Evaluation.status == status)
    if cohort_id is not None:
        query = query.where(User.cohort_id == cohort_id)
    return query.order_by(Evaluation.updated_at.desc(), Evaluation.id.desc())


def answers_of(evaluation: CompetencyEvaluation) -> dict[str, Answer]:
    """The stored answers, as ``certificates.evaluation`` reads them."""
    return {
        competency_id: Answer(stored.get("rating"), stored.get("comment") or "")
        for competency_id, stored in (evaluation.ratings or {}).items()
    }


def signed_evaluations(user_ids: list[int], track: Track) -> dict[int, EvaluationOutcome | None]:
    """user id -> their latest signed, not voided evaluation on the track's current form
    (``track.evaluation.version``), or None; every id is a key. One query (none when the track
    has no evaluation: then every value is None)."""
    found: dict[int, EvaluationOutcome | None] = dict.fromkeys(user_ids)
    rule = track.evaluation
    if rule is None or not user_ids:
        return found
    for evaluation in db.session.scalars(
        select(Evaluation)
        .where(
            Evaluation.trainee_id.in_(user_ids),
            Evaluation.track_id == track.id,
            Evaluation.rule_version == rule.version,
            Evaluation.status == EvaluationStatus.SIGNED,
        )
        .order_by(Evaluation.signed_at, Evaluation.id)
    ):  # the latest comes last, and stays
        assert evaluation.signed_at is not None  # signed
        found[evaluation.trainee_id] = EvaluationOutcome(
            ratings={
                competency_id: stored["rating"]
                for competency_id, stored in (evaluation.ratings or {}).items()
                if isinstance(stored.get("rating"), int)
            },
            signed_on=evaluation.signed_at.date(),
            supervisor_name=evaluation.supervisor_name or "",
            rule_version=evaluation.rule_version,
        )
    return found


# --- changing ----------------------------------------------------------------------------------


def start(supervisor: User, trainee: User) -> CompetencyEvaluation:
    """The supervisor's draft evaluation of the trainee: the one they have, or a new one."""
    if (found := trainee_for(supervisor, trainee.id)) is None:
        raise EvaluationError("You can only evaluate trainees you supervise.")
    _, track = found
    assert track.evaluation is not None  # trainees_to_evaluate keeps only such tracks
    if draft := _draft(supervisor, trainee, track):
        return draft
    evaluation = Evaluation(
        trainee_id=trainee.id,
        supervisor_id=supervisor.id,
        track_id=track.id,
        rule_version=track.evaluation.version,
        form=snapshot(track.evaluation),
        ratings={},
        overall_comment="",
        status=EvaluationStatus.DRAFT,
    )
    db.session.add(evaluation)
    try:
        db.session.flush()
    except IntegrityError:  # another tab started it a moment ago: carry on with that one
        db.session.rollback()
        if draft := _draft(supervisor, trainee, track):
            return draft
        raise
    audit.record(
        supervisor,
        SUBJECT,
        evaluation.id,
        "draft created",
        to_status=EvaluationStatus.DRAFT,
        comment=f"{trainee.name}, {track.id}",
    )
    db.session.commit()
    return evaluation


def _draft(supervisor: User, trainee: User, track: Track) -> CompetencyEvaluation | None:
    return db.session.scalar(
        select(Evaluation).where(
            Evaluation.trainee_id == trainee.id,
            Evaluation.supervisor_id == supervisor.id,
            Evaluation.track_id == track.id,
            Evaluation.status == EvaluationStatus.DRAFT,
        )
    )


def check(
    rule: EvaluationRule, answers: Mapping[str, Answer], overall: str, *, complete: bool
) -> None:
    """Raise ``AnswerProblems`` if the answers don't do for a draft (or, ``complete``, for
    signing)."""
    found = problems(
        rule,
        answers,
        overall,
        complete=complete,
        comment_limit=limits.EVALUATION_COMMENT,
        overall_limit=limits.EVALUATION_OVERALL,
    )
    if found:
        raise AnswerProblems(found)


def ready_to_sign(evaluation: CompetencyEvaluation, rule: EvaluationRule) -> bool:
    """Whether the saved draft answers the current form completely (ready to sign)."""
    try:
        check(rule, answers_of(evaluation), evaluation.overall_comment, complete=True)
    except AnswerProblems:
        return False
    return evaluation.rule_version == rule.version


LOCKED = "This evaluation is already signed, so it can no longer be changed; nothing was saved."


def save_draft(
    supervisor: User,
    evaluation: CompetencyEvaluation,
    rule: EvaluationRule,
    answers: Mapping[str, Answer],
    overall: str,
    *,
    complete: bool = False,
) -> None:
    """Save the draft's answers on the current form (``complete``: and check that they are
    ready to sign). Only while it is a draft and the supervisor supervises its trainee."""
    check(rule, answers, overall, complete=complete)
    ratings = {
        c.id: {
            "rating": answers.get(c.id, Answer()).rating,
            "comment": answers.get(c.id, Answer()).comment.strip(),
        }
        for c in rule.competencies
    }
    saved = db.session.execute(
        update(Evaluation)
        .where(
            Evaluation.id == evaluation.id,
            Evaluation.status == EvaluationStatus.DRAFT,
            supervised_by(supervisor.id),
        )
        .values(
            ratings=ratings,
            overall_comment=overall.strip(),
            rule_version=rule.version,
            form=snapshot(rule),
            revision=Evaluation.revision + 1,
            updated_at=utcnow(),
        ),
        execution_options={"synchronize_session": False},
    )
    if saved.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise AlreadyDecided(LOCKED)
    db.session.commit()
    db.session.expire(evaluation)


def sign(supervisor: User, evaluation: CompetencyEvaluation, revision: int) -> None:
    """Sign the draft as saved at ``revision`` (the one the supervisor reviewed), on the
    trainee's track's current form, with the track's statement: then it is locked."""
    rule = rule_for(evaluation)
    track = evaluation_track(evaluation.trainee)
    if rule is None or track is None:
        raise EvaluationError(
            "This trainee's track no longer asks for this evaluation, so it can't be signed."
        )
    if evaluation.status != EvaluationStatus.DRAFT:
        raise AlreadyDecided("This evaluation is already signed; nothing was changed.")
    if evaluation.rule_version != rule.version:
        raise EvaluationError(
            "The evaluation form of this track has changed since you saved your draft. Check "
            "your ratings on the new form and save it again before signing."
        )
    check(rule, answers_of(evaluation), evaluation.overall_comment, complete=True)
    if refusal := sign_refusal(supervisor, track):
        raise EvaluationError(refusal)
    credential = supervisor.credential
    same_credential = exists().where(
        User.id == supervisor.id,
        User.credential.is_(None) if credential is None else User.credential == credential,
    )
    signed = db.session.execute(
        update(Evaluation)
        .where(
            Evaluation.id == evaluation.id,
            Evaluation.status == EvaluationStatus.DRAFT,
            Evaluation.revision == revision,
            Evaluation.rule_version == rule.version,
            supervised_by(supervisor.id),
            same_credential,  # the credential checked above is the one kept
        )
        .values(
            status=EvaluationStatus.SIGNED,
            signed_at=utcnow(),
            updated_at=utcnow(),
            supervisor_name=supervisor.name,
            supervisor_credential=credential or "",
            statement=rule.statement,
            form=snapshot(rule),
        ),
        execution_options={"synchronize_session": False},
    )
    if signed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        status = db.session.scalar(select(Evaluation.status).where(Evaluation.id == evaluation.id))
        if status != EvaluationStatus.DRAFT:
            raise AlreadyDecided("This evaluation is already signed; nothing was changed.")
        raise EvaluationError(
            "Your draft changed since you reviewed it (perhaps in another window), or your "
            "account did; nothing was signed. Look at it again before you sign."
        )
    audit.record(
        supervisor,
        SUBJECT,
        evaluation.id,
        "signed",
        EvaluationStatus.DRAFT,
        EvaluationStatus.SIGNED,
        f"{evaluation.trainee.name}, {evaluation.track_id} form {rule.version}",
    )
    db.session.commit()
    db.session.expire(evaluation)


def void(lead: User, evaluation: CompetencyEvaluation, reason: str) -> None:
    """A lead voids a signed evaluation with a reason: it stays on record and no longer counts."""
    if lead.role != Role.LEAD:
        raise EvaluationError("Only a program lead can void an evaluation.")
    reason = reason.strip()
    if not reason:
        raise EvaluationError("Give the reason for voiding this evaluation; it stays on record.")
    voided = db.session.execute(
        update(Evaluation)
        .where(Evaluation.id == evaluation.id, Evaluation.status == EvaluationStatus.SIGNED)
        .values(
            status=EvaluationStatus.VOIDED,
            voided_at=utcnow(),
            voided_by_id=lead.id,
            void_reason=reason,
            updated_at=utcnow(),
        ),
        execution_options={"synchronize_session": False},
    )
    if voided.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise AlreadyDecided(
            "Only a signed evaluation can be voided, and this one is not (perhaps it was voided "
            "a moment ago); nothing was changed."
        )
    audit.record(
        lead, SUBJECT, evaluation.id, "voided", EvaluationStatus.SIGNED, EvaluationStatus.VOIDED,
        reason,
    )  # fmt: skip
    db.session.commit()
    db.session.expire(evaluation)
